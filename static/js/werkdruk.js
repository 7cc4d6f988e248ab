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

  // A form that creates something (it carries a submission token) is sent once: a second
  // click while the page loads does nothing. The server recognises a repeat anyway; this only
  // saves the round trip. After a while (a connection that hangs), or coming back with
  // "back" (page restored from the cache), the form can be sent again. Buttons are not
  // disabled, so their own name and value are still sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx (or another handler) took the submit over: no page load follows.
    if (event.defaultPrevented || !form.querySelector('input[name="submission_token"]')) {
      return;
    }
    if (form.hasAttribute("data-wd-sent")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-wd-sent", "");
    window.setTimeout(function () {
      form.removeAttribute("data-wd-sent");
    }, 15000);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-wd-sent]").forEach(function (form) {
        form.removeAttribute("data-wd-sent");
      });
    }
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
