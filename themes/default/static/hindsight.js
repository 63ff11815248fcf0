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

  // Sortable tables: header buttons sort by each cell's data-sort.
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    table.querySelectorAll("thead th").forEach(function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var key = function (r) {
          var c = r.cells[col];
          var v = c ? (c.getAttribute("data-sort") || c.textContent.trim()) : "";
          return v !== "" && !isNaN(v) ? Number(v) : v.toLowerCase();
        };
        Array.prototype.slice.call(body.rows).sort(function (x, y) {
          var a = key(x), z = key(y);
          var d = typeof a === typeof z ? (a < z ? -1 : a > z ? 1 : 0) : (typeof a === "number" ? -1 : 1);
          return asc ? d : -d;
        }).forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
