// Applies the reader's colour-scheme choice before the page paints, so a
// dark-mode reader never sees a flash of the light theme.
(function () {
  try {
    var t = localStorage.getItem("hindsight-theme");
    if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage may be disabled: follow the system */ }
})();
