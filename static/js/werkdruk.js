/*
 * Werkdruk: small progressive enhancements. Every page works without this file.
 * Loaded with "defer" from base.html; no inline scripts (the CSP forbids them).
 * htmx is configured by <meta name="htmx-config"> in base.html, and sends the
 * CSRF token from hx-headers on <body>.
 */
(function () {
  "use strict";

  // Menus built on <details class="wd-menu">: close on an outside click or Escape.
  function openMenus() {
    return document.querySelectorAll("details.wd-menu[open]");
  }

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) {
        summary.focus();
      }
    });
  });

  // Buttons marked data-wd-print print the page (e.g. a "Print" button).
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-wd-print]");
    if (trigger) {
      event.preventDefault();
      window.print();
    }
  });
})();
