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

  // On a phone, fold what a page marks as foldable (<details data-wd-fold-narrow open>), so
  // that what the user came to do comes first: the ballot starts with the choice, and one tap
  // opens the agreement. Without this file it stays open.
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-wd-fold-narrow][open]").forEach(function (fold) {
      fold.removeAttribute("open");
    });
  }

  // A table that scrolls in its own box (.table-responsive) can be scrolled with the keyboard:
  // the box takes focus and is announced as a region named after its table.
  function scrollBoxesReachable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var table = box.querySelector("table");
        var caption = table && table.querySelector("caption");
        var label = table && table.getAttribute("aria-label");
        var heading = box.previousElementSibling;
        var name = label || (caption && caption.textContent) ||
          (heading && /^H[2-6]$/.test(heading.tagName) && heading.textContent) || "";
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name.trim() || document.title);
        box.setAttribute("data-wd-scroll-box", "");
      } else if (!scrolls && box.hasAttribute("data-wd-scroll-box")) {
        ["tabindex", "role", "aria-label", "data-wd-scroll-box"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  scrollBoxesReachable();
  window.addEventListener("resize", scrollBoxesReachable);
  document.addEventListener("htmx:afterSettle", scrollBoxesReachable);
  document.addEventListener("toggle", scrollBoxesReachable, true);

  // Buttons marked data-wd-print print the page (e.g. a "Print" button).
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-wd-print]");
    if (trigger) {
      event.preventDefault();
      window.print();
    }
  });

  // A choice of measures (<fieldset data-wd-budget="1234.50">): the running total of the
  // ticked options (data-wd-cost) against the budget, in cents. Only a help: the server
  // refuses a choice over the budget.
  function cents(text) {
    var parts = String(text || "0").split(".");
    return parseInt(parts[0], 10) * 100 + parseInt((parts[1] || "0").padEnd(2, "0").slice(0, 2), 10);
  }
  function budgetTotal(fieldset) {
    var budget = cents(fieldset.getAttribute("data-wd-budget"));
    var total = 0;
    fieldset.querySelectorAll("input[data-wd-cost]:checked").forEach(function (box) {
      total += cents(box.getAttribute("data-wd-cost"));
    });
    var format = new Intl.NumberFormat(document.documentElement.lang || "nl", {
      style: "currency",
      currency: "EUR",
    });
    var output = fieldset.querySelector("[data-wd-budget-total]");
    if (output) {
      output.textContent = format.format(total / 100);
    }
    var over = fieldset.querySelector("[data-wd-budget-over]");
    if (over) {
      over.classList.toggle("d-none", total <= budget);
    }
  }
  document.querySelectorAll("fieldset[data-wd-budget]").forEach(budgetTotal);
  document.addEventListener("change", function (event) {
    var fieldset = event.target.closest && event.target.closest("fieldset[data-wd-budget]");
    if (fieldset) {
      budgetTotal(fieldset);
    }
  });
})();
