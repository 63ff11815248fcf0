// hindsight search: searches data/search.json in the browser. The page
// lists every report without it; this script replaces that list with
// results as you type. Data only ever reaches the page via textContent.
//
// A keypress has to show its results within 50 ms on 10,000 reports, on
// a slow machine. The generator has done the indexing: data/search.json
// (docs/search.md) holds a sorted vocabulary with, per word, the reports
// holding it and in which field, so a term is a binary search and a merge
// of posting lists into arrays made once, and a keypress allocates
// nothing per report. Drawing results is what costs — Chromium lays out
// one in about 0.2 ms — so only the first BATCH are drawn at once; the
// next ones follow as the reader scrolls or moves down to them.
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
  var BATCH = 20; // results drawn at once: two screens

  // Facets: the query-string name and the document field of each.
  var FACETS = [
    { key: "sev", label: "Severity", get: function (d) { return d.s ? [d.s] : []; } },
    { key: "year", label: "Year", get: function (d) { return d.y ? [String(d.y)] : []; } },
    { key: "service", label: "Service", get: function (d) { return d.sv || []; } }
  ];
  var docs = [], lids = [], N = 0, ready = false;
  // words is the vocabulary, sorted; heads[k] and bodies[k] the posting
  // lists of words[k], decoded by postings() when first needed.
  var words = [], heads = [], bodies = [];
  // Buffers reused by every search, one per term: got[k][i] is the score
  // of report i for term k from the title, services, tags, owners and
  // summary; hit[k][i] is 1 + the number of the first word starting with
  // term k that report i holds in its body alone.
  var got = [], hit = [], keys = new Float64Array(0);
  var cur = { ids: new Int32Array(0), n: 0, ts: [] }; // the results drawn
  var drawn = 0, selected = -1;

  ui.hidden = false;
  status.textContent = "Loading the index…";

  // The "more" control follows the list: a button, and drawn by itself
  // when it comes near the screen.
  var moreBox = document.createElement("p");
  moreBox.className = "search-more";
  moreBox.hidden = true;
  var moreButton = document.createElement("button");
  moreButton.type = "button";
  moreButton.className = "button button-quiet";
  moreButton.addEventListener("click", function () { more(); });
  moreBox.appendChild(moreButton);
  list.parentNode.insertBefore(moreBox, list.nextSibling);
  var watcher = window.IntersectionObserver ? new IntersectionObserver(function (es) {
    if (es[es.length - 1].isIntersecting && !moreBox.hidden) {
      more();
      // Observing again reports whether it is still near: a tall screen
      // takes several batches.
      watcher.unobserve(moreBox);
      watcher.observe(moreBox);
    }
  }, { rootMargin: "0px 0px 600px 0px" }) : null;
  if (watcher) watcher.observe(moreBox);

  fetch(ui.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(function (data) {
      if (data.v !== 2) throw new Error("index format " + data.v + ", not 2");
      prepare(data.reports || [], data.words || []);
      // A first search compiles the hot functions now, not on the
      // reader's first keypress.
      search("e");
      search("ent");
      render(search("the api"));
      ready = true;
      if (all) all.hidden = true;
      fromURL();
      update(false);
    })
    .catch(function (err) {
      // The plain list below still works.
      status.textContent = "The search index could not be loaded (" + err.message + "); every report is listed below.";
    });

  // prepare lower-cases the IDs, which match anywhere, not only at a word
  // start, and numbers the facet values: the values of report i for
  // facet F are F.vals[F.start[i]] up to F.vals[F.start[i + 1]].
  function prepare(rs, ws) {
    N = rs.length;
    for (var i = 0; i < N; i++) {
      lids.push(rs[i].id.toLowerCase());
      docs.push(rs[i]);
    }
    for (var k = 0; k < ws.length; k++) {
      words.push(ws[k][0]);
      heads.push(ws[k][1]);
      bodies.push(ws[k][2]);
    }
    keys = new Float64Array(N);
    FACETS.forEach(function (F, f) {
      var values = {};
      docs.forEach(function (d) { F.get(d).forEach(function (v) { values[v] = true; }); });
      F.values = Object.keys(values).sort();
      if (F.key === "year") F.values.reverse();
      if (F.key === "sev") F.values.sort(function (a, b) { return a.localeCompare(b, undefined, { numeric: true }); });
      var num = {};
      F.values.forEach(function (v, k) { num[v] = k; });
      F.bit = 1 << f;
      F.on = new Uint8Array(F.values.length);
      F.count = new Int32Array(F.values.length);
      var vals = [];
      F.start = new Int32Array(N + 1);
      docs.forEach(function (d, i) {
        F.get(d).forEach(function (v) { vals.push(num[v]); });
        F.start[i + 1] = vals.length;
      });
      F.vals = Int32Array.from(vals);
    });
    buildFacets();
  }

  // A term is a run of letters, digits and the joiners "_", "-" and ".",
  // as the generator cuts words; no word starts with a joiner.
  function terms(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}_.\-]+/u)
      .map(function (t) { return t.replace(/^[_.\-]+/, ""); })
      .filter(function (t) { return t.length > 0; });
  }

  // The digits of the posting lists: base 32, the last digit of a number
  // from one alphabet, the others from another.
  var DIGIT = new Int8Array(128).fill(-1);
  "0123456789abcdefghijklmnopqrstuv".split("").forEach(function (c, k) { DIGIT[c.charCodeAt(0)] = k; });
  "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz_-".split("").forEach(function (c, k) { DIGIT[c.charCodeAt(0)] = 32 + k; });

  // postings decodes a posting list once, into report numbers; in a head
  // list, each number is the report times four plus its field (1 the
  // summary, 2 the services, tags and owners, 3 the title).
  function postings(lists, k, head) {
    var s = lists[k];
    if (typeof s !== "string") return s;
    var out = [], n = 0, r = -1;
    for (var j = 0; j < s.length; j++) {
      var c = DIGIT[s.charCodeAt(j)];
      if (c >= 32) { n = n * 32 + c - 32; continue; }
      n = n * 32 + c;
      if (head) {
        r += Math.floor(n / 3) + 1;
        out.push(r * 4 + n % 3 + 1);
      } else {
        r += n + 1;
        out.push(r);
      }
      n = 0;
    }
    return (lists[k] = Int32Array.from(out));
  }

  // The score of a term's hit in each field: a word of the title, of the
  // services, tags or owners, of the summary (by field number), and of
  // the body alone, the word itself or a longer one.
  var FIELD = [0, 20, 40, 120], BODY = 8, BODY_PREFIX = 5;

  // match fills g with the score of term t for each report from the
  // vocabulary's head lists, and h with the body words. Prefixes under
  // three letters do not reach the body: they would match most of it.
  function match(t, g, h) {
    g.fill(0);
    h.fill(0);
    var lo = 0, hi = words.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (words[mid] < t) lo = mid + 1; else hi = mid;
    }
    for (var k = lo; k < words.length && words[k].lastIndexOf(t, 0) === 0; k++) {
      var p = postings(heads, k, true);
      for (var j = 0; j < p.length; j++) {
        var i = p[j] >> 2, s = FIELD[p[j] & 3];
        if (g[i] < s) g[i] = s;
      }
      if (t.length < 3) continue;
      p = postings(bodies, k, false);
      for (j = 0; j < p.length; j++) if (!h[p[j]]) h[p[j]] = k + 1;
    }
  }

  // search scores every report against every term: all terms must match
  // somewhere. IDs rank first (anywhere in them), then titles, services,
  // tags and owners, the summary, and the body's words (a word starting
  // with the term, in each). It returns the matching report numbers, best
  // first; equal scores keep the index order, newest first.
  var SPAN = 2097152; // 2^21: a key is score·SPAN + (SPAN − 1 − report number)
  function search(q) {
    var ts = terms(q), ids, m = 0, k;
    if (!ts.length) {
      ids = new Int32Array(N);
      for (var a = 0; a < N; a++) ids[a] = a;
      return { ids: ids, n: N, ts: ts };
    }
    for (k = 0; k < ts.length; k++) {
      if (!got[k]) { got[k] = new Uint16Array(N); hit[k] = new Int32Array(N); }
      match(ts[k], got[k], hit[k]);
    }
    for (var i = 0; i < N; i++) {
      var id = lids[i], score = 0;
      for (k = 0; k < ts.length; k++) {
        var t = ts[k], s = got[k][i];
        if (id.indexOf(t) >= 0) s = id === t ? 1000 : Math.max(s, 200);
        if (!s && hit[k][i]) s = words[hit[k][i] - 1] === t ? BODY : BODY_PREFIX;
        if (!s) break;
        score += s;
      }
      if (k === ts.length) keys[m++] = score * SPAN + (SPAN - 1 - i);
    }
    // A typed array sorts numbers without a comparison function: the
    // largest key, the best result, comes last.
    var sorted = keys.subarray(0, m).sort();
    ids = new Int32Array(m);
    for (var r = 0; r < m; r++) ids[r] = SPAN - 1 - sorted[m - 1 - r] % SPAN;
    return { ids: ids, n: m, ts: ts };
  }

  // Facets: F.on[v] is set when the reader ticked value v; a report
  // passes when, for every facet with a ticked value, it has one of them.
  // fails is the facets a report fails, one bit each.
  function fails(i) {
    var mask = 0;
    for (var f = 0; f < FACETS.length; f++) {
      var F = FACETS[f];
      if (!F.ticked) continue;
      var has = false;
      for (var j = F.start[i]; j < F.start[i + 1]; j++) if (F.on[F.vals[j]]) { has = true; break; }
      if (!has) mask |= F.bit;
    }
    return mask;
  }

  function buildFacets() {
    FACETS.forEach(function (F) {
      F.ticked = 0;
      if (!F.values.length) return;
      var fs = document.createElement("fieldset");
      var lg = document.createElement("legend");
      lg.textContent = F.label;
      fs.appendChild(lg);
      var chips = document.createElement("div");
      chips.className = "chips";
      F.chips = [];
      F.values.forEach(function (v, k) {
        var lab = document.createElement("label");
        lab.className = "chip";
        var cb = document.createElement("input");
        cb.type = "checkbox";
        cb.name = F.key;
        cb.value = v;
        cb.addEventListener("change", function () {
          tick(F, k, cb.checked);
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
        F.chips.push({ box: cb, count: count, shown: null });
      });
      fs.appendChild(chips);
      facetBox.appendChild(fs);
    });
  }

  function tick(F, k, on) {
    if (!!F.on[k] === on) return;
    F.on[k] = on ? 1 : 0;
    F.ticked += on ? 1 : -1;
  }

  // Counts of a facet are over the results narrowed by the other facets,
  // so they say what ticking a value would leave. masks holds fails() of
  // each matched report.
  function updateFacets(matched, masks) {
    FACETS.forEach(function (F) {
      if (!F.chips) return;
      var c = F.count, other = ~F.bit, ids = matched.ids, start = F.start, vals = F.vals;
      c.fill(0);
      for (var n = 0; n < matched.n; n++) {
        if (masks[n] & other) continue;
        var i = ids[n];
        for (var j = start[i]; j < start[i + 1]; j++) c[vals[j]]++;
      }
      for (var k = 0; k < F.chips.length; k++) {
        var chip = F.chips[k], s = String(c[k]);
        chip.box.checked = !!F.on[k];
        // Only a changed count is written: each write costs layout.
        if (chip.shown !== s) chip.count.textContent = chip.shown = s;
      }
    });
  }

  // highlight writes text into el with each term marked where it starts
  // a word (anywhere when anywhere is set: in an ID).
  var LETTER = /[\p{L}\p{N}]/u;
  function highlight(el, text, ts, anywhere) {
    var low = text.toLowerCase(), marks = [];
    ts.forEach(function (t) {
      for (var k = low.indexOf(t); k >= 0; k = low.indexOf(t, k + 1)) {
        if (anywhere || k === 0 || !LETTER.test(low.charAt(k - 1))) {
          marks.push([k, k + t.length]);
          k += t.length - 1;
        }
      }
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

  function add(parent, tag, cls, text, ts, anywhere) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) { if (ts) highlight(el, text, ts, anywhere); else el.textContent = text; }
    parent.appendChild(el);
    return el;
  }

  // item draws the n-th result, report i, of the current search.
  function item(i, n) {
    var d = docs[i], ts = cur.ts;
    var li = document.createElement("li");
    li.id = "sr-" + n;
    var head = add(li, "div", "r-head");
    if (d.s) add(head, "span", "badge sev sev-" + d.s.toLowerCase().replace(/[^a-z0-9]+/g, "-"), d.s);
    var a = add(head, "a", "r-title");
    a.href = root + d.u;
    add(a, "span", "r-id", d.id, ts, true);
    a.appendChild(document.createTextNode(" — "));
    add(a, "span", "", d.t, ts);
    var meta = [].concat(d.y ? [String(d.y)] : [], d.sv || [], d.tg || []);
    if (d.o && d.o.length) meta.push("owners: " + d.o.join(", "));
    if (meta.length) add(li, "p", "r-meta", meta.join(" · "), ts);
    if (d.x) add(li, "p", "r-text", d.x, ts);
    // The body words of the terms found nowhere else, which would not
    // show: got and hit hold them until the next search, which draws its
    // own results.
    var found = [];
    for (var k = 0; k < ts.length; k++) {
      if (hit[k][i] && !got[k][i] && lids[i].indexOf(ts[k]) < 0) found.push(words[hit[k][i] - 1]);
    }
    if (found.length) add(li, "p", "r-meta r-words", "In the text: " + found.join(", "), ts);
    return li;
  }

  function render(results) {
    cur = results;
    drawn = 0;
    selected = -1;
    list.textContent = "";
    more();
  }

  // more draws the next batch of results.
  function more() {
    var frag = document.createDocumentFragment();
    var end = Math.min(cur.n, drawn + BATCH);
    for (var n = drawn; n < end; n++) frag.appendChild(item(cur.ids[n], n));
    list.appendChild(frag);
    drawn = end;
    var rest = cur.n - drawn;
    moreBox.hidden = rest <= 0;
    if (rest > 0) moreButton.textContent = "Show " + Math.min(BATCH, rest) + " more (" + rest + " not shown)";
  }

  function update(save) {
    var q = input.value.trim();
    var matched = search(q), results = matched;
    var masks = new Int32Array(matched.n);
    if (FACETS.some(function (F) { return F.ticked; })) {
      var ids = new Int32Array(matched.n), m = 0;
      for (var n = 0; n < matched.n; n++) {
        masks[n] = fails(matched.ids[n]);
        if (!masks[n]) ids[m++] = matched.ids[n];
      }
      results = { ids: ids.subarray(0, m), n: m, ts: matched.ts };
    }
    render(results);
    updateFacets(matched, masks);
    var c = results.n;
    var what = c === 1 ? "1 report" : c + " reports";
    status.textContent = (q || FACETS.some(function (F) { return F.ticked; }) ? what + " match" + (c === 1 ? "es" : "") : what) + ".";
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
  var urlTimer;
  window.addEventListener("pagehide", function () {
    if (urlTimer) toURL();
  });

  // The query and the ticked facets live in the URL, so a search can be
  // shared and survives a reload; changes replace the history entry.
  // What was typed while the index loaded stays, unless the URL has a
  // query of its own.
  function fromURL() {
    var p = new URLSearchParams(window.location.search);
    if (p.has("q") || !input.value) input.value = p.get("q") || "";
    FACETS.forEach(function (F) {
      p.getAll(F.key).forEach(function (v) {
        var k = F.values.indexOf(v);
        if (k >= 0) tick(F, k, true);
      });
    });
  }
  function toURL() {
    var p = new URLSearchParams();
    var q = input.value.trim();
    if (q) p.set("q", q);
    FACETS.forEach(function (F) {
      F.values.forEach(function (v, k) { if (F.on[k]) p.append(F.key, v); });
    });
    clearTimeout(urlTimer);
    urlTimer = null;
    var s = p.toString();
    try { window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "")); } catch (e) { /* file: URLs */ }
  }

  function select(n) {
    if (!drawn) return;
    if (n >= drawn && drawn < cur.n) more();
    // aria-current, not aria-selected: a list item is no option, and
    // the focus stays in the box for typing.
    if (selected >= 0 && list.children[selected]) list.children[selected].removeAttribute("aria-current");
    selected = Math.max(0, Math.min(drawn - 1, n));
    var li = list.children[selected];
    li.setAttribute("aria-current", "true");
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  }

  // No debounce: a search of the whole index takes a few milliseconds.
  input.addEventListener("input", function () {
    if (!ready) return;
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
      if (ready) update(true);
    }
  });
  if (!input.value) input.focus();
})();
