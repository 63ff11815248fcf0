// hindsight serve: reloads the page after each rebuild and shows build
// errors over it. Only the preview server adds this script.
(function () {
  "use strict";
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.94);" +
        "color:#ffd7d5;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto";
      var h = document.createElement("h2");
      h.textContent = "hindsight: the last build failed; this is the last good site";
      h.style.cssText = "color:#ff8a80;font:600 18px system-ui,sans-serif;margin:0 0 1rem";
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      overlay.appendChild(h);
      overlay.appendChild(pre);
      var close = document.createElement("button");
      close.textContent = "Dismiss";
      close.style.cssText = "margin-top:1rem;font:inherit;padding:.3rem .8rem";
      close.onclick = function () { overlay.remove(); overlay = null; };
      overlay.appendChild(close);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }
  var es = new EventSource("/_hindsight/events");
  // "only P..." and "except P..." name the pages a preview of an edited
  // report showed: reload only those, or all but those.
  es.addEventListener("reload", function (e) {
    var words = (e.data || "").split(" "), here = location.pathname.replace(/index\.html$/, "");
    var listed = words.slice(1).indexOf(here) >= 0;
    if ((words[0] === "only" && !listed) || (words[0] === "except" && listed)) return;
    location.reload();
  });
  es.addEventListener("error", function (e) { if (e.data) show(e.data); });
})();
