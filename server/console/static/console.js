// Rampart console: small progressive enhancements. Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Document sides: a click (or Enter/Space) toggles a full-width view.
  document.querySelectorAll(".zoomable .zoom").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var fig = btn.closest(".zoomable");
      var on = fig.classList.toggle("zoomed");
      btn.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
  // Decide form: the reason and retry choice only matter for "failed".
  document.querySelectorAll("form.decide").forEach(function (form) {
    function sync() {
      var v = form.querySelector("input[name=outcome]:checked");
      form.classList.toggle("is-verified", !!v && v.value === "verified");
    }
    form.addEventListener("change", sync);
    sync();
  });
});
