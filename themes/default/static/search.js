// hindsight search: searches data/search.json in the browser. The page
// lists every report without it; this script replaces that list with
// results as you type. Data only ever reaches the page via textContent.
(function () {
  "use strict";
  var ui = document.querySelector(".search[data-index]");
  if (!ui || !window.fetch) return;
  var root = ui.getAttribute("data-root") || "";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = ui.querySelector(".search-status");
  var facetBox = ui.querySelector(".search-facets");
  var all = document.querySelector(".search-all");
  var LIMIT = 100; // results drawn at once; more cost layout time, not search time

  // Facets: the query-string name and the document field of each.
  var FACETS = [
    { key: "sev", label: "Severity", get: function (d) { return d.s ? [d.s] : []; } },
    { key: "year", label: "Year", get: function (d) { return d.y ? [String(d.y)] : []; } },
    { key: "service", label: "Service", get: function (d) { return d.sv || []; } }
  ];
  var docs = [], vocab = [], postings = {};
  var chosen = { sev: {}, year: {}, service: {} };
  var selected = -1, shown = [];

  ui.hidden = false;
  status.textContent = "Loading the index…";

  fetch(ui.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(function (data) {
      prepare(data.reports || []);
      // A first search compiles the hot functions now, not on the
      // reader's first keypress.
      search("e");
      render(search("the"), ["the"]);
      last.q = null;
      if (all) all.hidden = true;
      fromURL();
      update(false);
    })
    .catch(function (err) {
      // The plain list below still works.
      status.textContent = "The search index could not be loaded (" + err.message + "); every report is listed below.";
    });

  // prepare lower-cases every field once and builds a sorted vocabulary of
  // the body words with the reports that hold each, so a prefix finds its
  // reports by binary search instead of a scan of every body.
  function prepare(rs) {
    rs.forEach(function (d, i) {
      d.lid = d.id.toLowerCase();
      d.lt = (d.t || "").toLowerCase();
      d.lmeta = [].concat(d.sv || [], d.tg || [], d.o || []).join(" · ").toLowerCase();
      d.lx = (d.x || "").toLowerCase();
      d.i = i;
      d.f = {};
      FACETS.forEach(function (F) { d.f[F.key] = F.get(d); });
      (d.w ? d.w.split(" ") : []).forEach(function (w) {
        var p = postings[w];
        if (!p) { postings[w] = p = []; vocab.push(w); }
        p.push(i);
      });
      docs.push(d);
    });
    vocab.sort();
    FACETS.forEach(function (f) {
      var values = {};
      docs.forEach(function (d) { f.get(d).forEach(function (v) { values[v] = true; }); });
      f.values = Object.keys(values).sort();
      if (f.key === "year") f.values.reverse();
      if (f.key === "sev") f.values.sort(function (a, b) { return a.localeCompare(b, undefined, { numeric: true }); });
    });
    buildFacets();
  }

  function terms(q) {
    return q.toLowerCase().split(/[\s,;:()"']+/).filter(function (t) { return t.length > 0; });
  }

  // bodyHits marks the reports with a body word starting with t and
  // returns the words found, for display. Prefixes under three letters
  // do not reach the body: they would match most of it.
  function bodyHits(t) {
    // an array by report index: faster than an object of 10,000 keys
    var hits = new Array(docs.length), words = [];
    if (t.length < 3) return { hits: hits, words: words };
    var lo = 0, hi = vocab.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (vocab[mid] < t) lo = mid + 1; else hi = mid;
    }
    for (var i = lo; i < vocab.length && vocab[i].lastIndexOf(t, 0) === 0; i++) {
      words.push(vocab[i]);
      var p = postings[vocab[i]];
      for (var j = 0; j < p.length; j++) hits[p[j]] = hits[p[j]] || vocab[i];
    }
    return { hits: hits, words: words };
  }

  // wordStart tells whether t starts a word of s, not only occurs in it.
  function wordStart(s, t) {
    var k = s.indexOf(t);
    while (k >= 0) {
      var c = k === 0 ? 0 : s.charCodeAt(k - 1);
      if (!(c >= 97 && c <= 122 || c >= 48 && c <= 57)) return true;
      k = s.indexOf(t, k + 1);
    }
    return false;
  }

  // search scores every report against every term: all terms must match
  // somewhere. IDs and titles rank first, then services, tags and owners,
  // then the summary, then the body's words.
  //
  // Typing mostly extends the query, and a report that matches the longer
  // query matches the shorter one, so the last matches are the candidates
  // then — unless a term of the last query was too short to reach the
  // body words, which a longer one does.
  var last = { q: null, matched: null }, none = [];
  function search(q) {
    var ts = terms(q);
    if (!ts.length) return docs.map(function (d) { return { d: d, score: 0, words: [] }; });
    var pool = docs;
    if (last.q && q.lastIndexOf(last.q, 0) === 0 && terms(last.q).every(function (t) { return t.length >= 3; })) {
      // their order does not matter: the results are sorted below
      pool = last.matched.map(function (r) { return r.d; });
    }
    var body = ts.map(bodyHits);
    var out = [];
    for (var n = 0; n < pool.length; n++) {
      // words is made only for a body hit: a broad query matches
      // thousands of reports, and each array is garbage a keypress later.
      var d = pool[n], i = d.i, score = 0, words = null, ok = true;
      for (var k = 0; k < ts.length; k++) {
        var t = ts[k], s = 0;
        if (d.lid === t) s = 1000;
        else if (d.lid.indexOf(t) >= 0) s = 200;
        if (d.lt.indexOf(t) >= 0) s = Math.max(s, wordStart(d.lt, t) ? 120 : 80);
        if (!s && d.lmeta.indexOf(t) >= 0) s = 40;
        if (!s && d.lx.indexOf(t) >= 0) s = 20;
        var w = body[k].hits[i];
        if (w) { (words = words || []).push(w); if (!s) s = w === t ? 8 : 5; }
        if (!s) { ok = false; break; }
        score += s;
      }
      if (ok) out.push({ d: d, score: score, words: words || none });
    }
    // stable: equal scores keep the index order, newest first
    out.sort(function (a, b) { return b.score - a.score || a.d.i - b.d.i; });
    last.q = q;
    last.matched = out;
    return out;
  }

  // active lists the facets with a ticked value; passes reads it.
  var active = [];
  function passes(d, skip) {
    for (var f = 0; f < active.length; f++) {
      var F = active[f];
      if (F.key === skip) continue;
      var want = chosen[F.key], vs = d.f[F.key], has = false;
      for (var j = 0; j < vs.length; j++) if (want[vs[j]]) { has = true; break; }
      if (!has) return false;
    }
    return true;
  }

  function buildFacets() {
    FACETS.forEach(function (F) {
      if (!F.values.length) return;
      var fs = document.createElement("fieldset");
      var lg = document.createElement("legend");
      lg.textContent = F.label;
      fs.appendChild(lg);
      var chips = document.createElement("div");
      chips.className = "chips";
      F.chips = {};
      F.values.forEach(function (v) {
        var lab = document.createElement("label");
        lab.className = "chip";
        var cb = document.createElement("input");
        cb.type = "checkbox";
        cb.name = F.key;
        cb.value = v;
        cb.addEventListener("change", function () {
          if (cb.checked) chosen[F.key][v] = true; else delete chosen[F.key][v];
          update("now");
        });
        var name = document.createElement("span");
        name.textContent = v;
        var count = document.createElement("span");
        count.className = "count";
        lab.appendChild(cb);
        lab.appendChild(name);
        lab.appendChild(count);
        chips.appendChild(lab);
        F.chips[v] = { box: cb, count: count, label: lab };
      });
      fs.appendChild(chips);
      facetBox.appendChild(fs);
    });
  }

  // Counts of a facet are over the results narrowed by the other facets,
  // so they say what ticking a value would leave.
  function updateFacets(results) {
    FACETS.forEach(function (F) {
      if (!F.chips) return;
      var n = {};
      for (var k = 0; k < results.length; k++) {
        var d = results[k].d;
        if (!passes(d, F.key)) continue;
        var vs = d.f[F.key];
        for (var j = 0; j < vs.length; j++) n[vs[j]] = (n[vs[j]] || 0) + 1;
      }
      F.values.forEach(function (v) {
        var c = F.chips[v];
        c.box.checked = !!chosen[F.key][v];
        c.count.textContent = String(n[v] || 0);
      });
    });
  }

  // highlight writes text into el with each occurrence of a term marked.
  function highlight(el, text, ts) {
    var low = text.toLowerCase(), marks = [];
    ts.forEach(function (t) {
      if (!t) return;
      for (var k = low.indexOf(t); k >= 0; k = low.indexOf(t, k + t.length)) marks.push([k, k + t.length]);
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return; // overlaps the previous mark
      if (m[0] > at) el.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(m[0], m[1]);
      el.appendChild(mk);
      at = m[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  function add(parent, tag, cls, text, ts) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) { if (ts) highlight(el, text, ts); else el.textContent = text; }
    parent.appendChild(el);
    return el;
  }

  function render(results, ts) {
    var frag = document.createDocumentFragment();
    shown = results.slice(0, LIMIT);
    shown.forEach(function (r, n) {
      var d = r.d;
      var li = document.createElement("li");
      li.id = "sr-" + n;
      var head = add(li, "div", "r-head");
      if (d.s) add(head, "span", "badge sev sev-" + d.s.toLowerCase().replace(/[^a-z0-9]+/g, "-"), d.s);
      var a = add(head, "a", "r-title");
      a.href = root + d.u;
      add(a, "span", "r-id", d.id, ts);
      a.appendChild(document.createTextNode(" — "));
      add(a, "span", "", d.t, ts);
      var meta = [].concat(d.y ? [String(d.y)] : [], d.sv || [], d.tg || []);
      if (d.o && d.o.length) meta.push("owners: " + d.o.join(", "));
      if (meta.length) add(li, "p", "r-meta", meta.join(" · "), ts);
      if (d.x) add(li, "p", "r-text", d.x, ts);
      if (r.words.length) add(li, "p", "r-meta r-words", "In the text: " + r.words.join(", "), ts);
      frag.appendChild(li);
    });
    list.textContent = "";
    list.appendChild(frag);
    selected = -1;
  }

  function update(save) {
    var q = input.value.trim(), ts = terms(q);
    active = FACETS.filter(function (F) { return Object.keys(chosen[F.key]).length > 0; });
    var matched = search(q);
    var results = active.length ? matched.filter(function (r) { return passes(r.d, ""); }) : matched;
    render(results, ts);
    // The counts follow in the next frame: the results come first.
    cancelAnimationFrame(facetFrame);
    facetFrame = requestAnimationFrame(function () { updateFacets(matched); });
    var what = results.length === 1 ? "1 report" : results.length + " reports";
    status.textContent = (q || anyChosen() ? what + " match" + (results.length === 1 ? "es" : "") : what) +
      (results.length > LIMIT ? "; the first " + LIMIT + " are shown." : ".");
    if (save === "now") {
      toURL();
    } else if (save) {
      // Typing writes the URL a moment after the last key: a history
      // update costs a keypress 10–20 ms in Chromium, which also
      // throttles frequent ones.
      clearTimeout(urlTimer);
      urlTimer = setTimeout(toURL, 250);
    }
  }
  var urlTimer, facetFrame;
  window.addEventListener("pagehide", function () {
    if (urlTimer) toURL();
  });

  function anyChosen() {
    return FACETS.some(function (F) { return Object.keys(chosen[F.key]).length > 0; });
  }

  // The query and the ticked facets live in the URL, so a search can be
  // shared and survives a reload; changes replace the history entry.
  function fromURL() {
    var p = new URLSearchParams(window.location.search);
    input.value = p.get("q") || "";
    FACETS.forEach(function (F) {
      p.getAll(F.key).forEach(function (v) { if (F.chips && F.chips[v]) chosen[F.key][v] = true; });
    });
  }
  function toURL() {
    var p = new URLSearchParams();
    var q = input.value.trim();
    if (q) p.set("q", q);
    FACETS.forEach(function (F) {
      F.values.forEach(function (v) { if (chosen[F.key][v]) p.append(F.key, v); });
    });
    clearTimeout(urlTimer);
    urlTimer = null;
    var s = p.toString();
    try { window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "")); } catch (e) { /* file: URLs */ }
  }

  function select(n) {
    if (!shown.length) return;
    // aria-current, not aria-selected: a list item is no option, and
    // the focus stays in the box for typing.
    if (selected >= 0 && list.children[selected]) list.children[selected].removeAttribute("aria-current");
    selected = Math.max(0, Math.min(shown.length - 1, n));
    var li = list.children[selected];
    li.setAttribute("aria-current", "true");
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  }

  // No debounce: a search of the whole index takes a few milliseconds.
  input.addEventListener("input", function () {
    if (!docs.length) return;
    update(true);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); select(selected + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); select(selected - 1); }
    else if (ev.key === "Enter") {
      var li = list.children[selected >= 0 ? selected : 0];
      var a = li && li.querySelector("a");
      if (a) { ev.preventDefault(); window.location.href = a.href; }
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      input.value = "";
      update(true);
    }
  });
  if (!input.value) input.focus();
})();
