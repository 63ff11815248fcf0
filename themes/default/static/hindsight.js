// hindsight: small enhancements; every page works without them.
(function () {
  "use strict";
  var root = document.documentElement;
  var mq = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : !!(mq && mq.matches);
  }

  // Colour scheme toggle: remembered in localStorage; theme.js applies it
  // before the next page paints.
  var toggle = document.querySelector(".theme-toggle");
  function label() {
    var l = isDark() ? "Switch to light colour scheme" : "Switch to dark colour scheme";
    toggle.setAttribute("aria-label", l);
    toggle.title = l;
  }
  if (toggle) {
    toggle.hidden = false;
    label();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("hindsight-theme", next); } catch (e) { /* ignore */ }
      label();
    });
    if (mq && mq.addEventListener) mq.addEventListener("change", label);
  }

  // "On this page": folded on narrow screens, the current section marked.
  var toc = document.querySelector(".toc details");
  if (toc) {
    var narrow = window.matchMedia("(max-width: 64rem)");
    toc.open = !narrow.matches;
    if (narrow.addEventListener) narrow.addEventListener("change", function () { toc.open = !narrow.matches; });
  }
  var links = toc ? toc.querySelectorAll("a[href^='#']") : [];
  if (links.length && "IntersectionObserver" in window) {
    var byId = {}, heads = [];
    links.forEach(function (a) {
      var h = document.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (h) { byId[h.id] = a; heads.push(h); }
    });
    var current;
    var io = new IntersectionObserver(function () {
      var pick = heads[0];
      heads.forEach(function (h) { if (h.getBoundingClientRect().top < 120) pick = h; });
      if (current) current.classList.remove("is-current");
      current = pick && byId[pick.id];
      if (current) current.classList.add("is-current");
    }, { rootMargin: "0px 0px -60% 0px", threshold: [0, 1] });
    heads.forEach(function (h) { io.observe(h); });
  }

  // The query string holds the view of a page (filters, sort) so links to
  // it are shareable; changes replace the history entry.
  function params() { return new URLSearchParams(window.location.search); }
  function saveParams(p) {
    var q = p.toString();
    var url = window.location.pathname + (q ? "?" + q : "") + window.location.hash;
    try { window.history.replaceState(null, "", url); } catch (e) { /* file: URLs in some browsers */ }
  }

  // rowsOf lists the rows of all of a table's bodies: a large table comes
  // in runs of rows, one tbody each, that the browser lays out apart.
  function rowsOf(table) {
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (b) {
      for (var i = 0; i < b.rows.length; i++) rows.push(b.rows[i]);
    });
    return rows;
  }

  // hideEmptyRuns hides each of a table's runs whose rows are all hidden,
  // so that no run leaves a gap where the browser has not laid it out.
  function hideEmptyRuns(bodies) {
    if (bodies.length < 2) return;
    bodies.forEach(function (b) {
      var any = Array.prototype.some.call(b.rows, function (r) { return !r.hidden; });
      if (b.hidden === any) b.hidden = !any;
    });
  }

  // Sortable tables: header buttons sort by each cell's data-sort. A table
  // with data-sort-query keeps its order in the query ("sort=due",
  // "sort=-due") under its headers' data-key names.
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (rowsOf(table).length < 2) return;
    var heads = table.querySelectorAll("thead th");
    var inURL = table.hasAttribute("data-sort-query");
    function sortBy(th, col, asc) {
      heads.forEach(function (o) { o.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      // One key per row, computed once: large tables sort quickly.
      var keyed = rowsOf(table).map(function (r, i) {
        var c = r.cells[col];
        var v = c ? (c.getAttribute("data-sort") || c.textContent.trim()) : "";
        return { k: v !== "" && !isNaN(v) ? Number(v) : v.toLowerCase(), i: i, r: r };
      });
      keyed.sort(function (x, y) {
        var a = x.k, z = y.k;
        if ((a === "") !== (z === "")) return a === "" ? 1 : -1; // empty cells last either way
        var d = typeof a === typeof z ? (a < z ? -1 : a > z ? 1 : 0) : (typeof a === "number" ? -1 : 1);
        return (asc ? d : -d) || x.i - y.i;
      });
      // Each body keeps as many rows as it had, now in the new order
      // (counted first: moving a row takes it from its body).
      var sizes = bodies.map(function (b) { return b.rows.length; });
      var at = 0;
      bodies.forEach(function (b, j) {
        var frag = document.createDocumentFragment();
        for (var k = at; k < at + sizes[j]; k++) frag.appendChild(keyed[k].r);
        at += sizes[j];
        b.appendChild(frag);
      });
      hideEmptyRuns(bodies);
    }
    heads.forEach(function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        sortBy(th, col, asc);
        var key = th.getAttribute("data-key");
        if (inURL && key) {
          var p = params();
          p.set("sort", (asc ? "" : "-") + key);
          saveParams(p);
        }
      });
    });
    if (inURL) {
      var want = params().get("sort") || "";
      var desc = want.charAt(0) === "-";
      var key = desc ? want.slice(1) : want;
      heads.forEach(function (th, col) {
        if (key && th.getAttribute("data-key") === key) sortBy(th, col, !desc);
      });
    }
  });

  // Filters: a .filters box (data-filter names the table it filters) is
  // hidden in the HTML, so a reader without JavaScript sees the whole
  // table and the per-owner pages instead. Every field but the text
  // ("q") matches the row attribute data-<name>; on action tables the
  // status field also knows "open", "overdue" and "soon" (data-due).
  document.querySelectorAll(".filters[data-filter]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter"));
    if (!table || !table.tBodies[0]) return;
    var rows = rowsOf(table).filter(function (r) { return r.hasAttribute("data-status"); });
    var bodies = Array.prototype.slice.call(table.tBodies);
    var names = Array.prototype.map.call(box.querySelectorAll("[name]"), function (f) { return f.name; });
    var noun = box.getAttribute("data-noun") || "action items";
    var actions = !box.hasAttribute("data-noun");
    var count = box.querySelector(".filter-count");
    var none = box.parentNode.querySelector(".filter-empty");
    var texts = null;
    function field(n) { return box.querySelector("[name='" + n + "']"); }
    function value(n) { var f = field(n); return f ? f.value.trim() : ""; }
    function matches(r, vals, q, i) {
      for (var k = 0; k < names.length; k++) {
        var n = names[k], v = vals[n];
        if (n === "q" || !v) continue;
        var have = r.getAttribute("data-" + n);
        if (actions && n === "status") {
          if (v === "open") { if (have !== "open" && have !== "in-progress") return false; continue; }
          if (v === "overdue" || v === "soon") { if (r.getAttribute("data-due") !== v) return false; continue; }
        }
        if (have !== v) return false;
      }
      if (q) {
        if (!texts) texts = rows.map(function (x) { return x.textContent.replace(/\s+/g, " ").toLowerCase(); });
        return texts[i].indexOf(q) >= 0;
      }
      return true;
    }
    function apply() {
      var vals = {}, filtered = false;
      names.forEach(function (n) { vals[n] = value(n); if (vals[n]) filtered = true; });
      var q = (vals.q || "").toLowerCase();
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = matches(r, vals, q, i);
        if (r.hidden === ok) r.hidden = !ok;
        if (ok) shown++;
      });
      hideEmptyRuns(bodies);
      if (count) count.textContent = filtered ? "Showing " + shown + " of " + rows.length + " " + noun : "";
      if (none) none.hidden = shown > 0;
    }
    function save() {
      var p = params();
      names.forEach(function (n) {
        var v = value(n);
        if (v) p.set(n, v); else p.delete(n);
      });
      saveParams(p);
    }
    // Take the view from the query; a value the page does not offer is
    // ignored rather than hiding every row.
    var p = params();
    names.forEach(function (n) {
      var f = field(n), v = p.get(n);
      if (!f || v === null) return;
      if (f.tagName === "SELECT" && !Array.prototype.some.call(f.options, function (o) { return o.value === v; })) return;
      f.value = v;
    });
    box.hidden = false;
    apply();
    var timer;
    box.addEventListener("input", function (ev) {
      clearTimeout(timer);
      timer = setTimeout(function () { apply(); save(); }, ev.target.name === "q" ? 150 : 0);
    });
    box.addEventListener("change", function () { apply(); save(); });
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && ev.target.name === "q") { ev.preventDefault(); apply(); save(); }
    });
    var clear = box.querySelector("[data-filter-clear]");
    if (clear) clear.addEventListener("click", function () {
      names.forEach(function (n) { var f = field(n); if (f) f.value = ""; });
      apply();
      save();
    });
  });

  // The header search box: pages hold no <form>, so Enter goes to the
  // search page with the query. Without JavaScript the box stays hidden
  // and the header's "Search" link leads there instead.
  var sbox = document.querySelector(".search-box");
  var slink = document.querySelector(".search-link");
  if (sbox && !document.querySelector(".search[data-index]")) {
    sbox.hidden = false;
    if (slink) slink.hidden = true;
    sbox.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        var q = sbox.value.trim();
        window.location.href = sbox.getAttribute("data-search") + (q ? "?q=" + encodeURIComponent(q) : "");
      } else if (ev.key === "Escape") {
        sbox.value = "";
        sbox.blur();
      }
    });
  }
  // "/" focuses the search box from anywhere but a text field: the search
  // page's own box there, the header's elsewhere.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("search-q") || sbox;
    if (!box || box.hidden || box.offsetParent === null) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });

  // The charts' data tables sit beside them on wide screens; on narrow
  // ones they start folded below the chart.
  if (window.matchMedia && window.matchMedia("(max-width: 64rem)").matches) {
    document.querySelectorAll("details.figure-data").forEach(function (d) { d.open = false; });
  }

  // Printing shows the charts' data tables.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details.figure-data"), function (d) { return !d.open; });
    folded.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
  });
})();
