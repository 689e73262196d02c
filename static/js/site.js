// Evidence Bank: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Open every folded <details> around an element, so a link into it lands visibly.
  function unfoldAround(el) {
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
  }

  function targetOf(hash) {
    if (!hash || hash.length < 2) return null;
    try {
      return document.getElementById(decodeURIComponent(hash.slice(1)));
    } catch (e) {
      return null;
    }
  }

  // Arriving at #passage (or #bite): unfold what hides it, scroll to it, highlight it.
  function reveal(hash, focus) {
    var el = targetOf(hash);
    if (!el) return;
    unfoldAround(el);
    if (el.id === "bite") el.open = true;
    var previous = document.querySelectorAll(".is-targeted");
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove("is-targeted");
    if (el.tagName !== "DETAILS") el.classList.add("is-targeted");
    el.scrollIntoView({ block: "start" });
    if (focus) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
    }
  }

  // Links to a passage on this same page (bare #x, or ?bite=open#x on a cell page)
  // are followed in place rather than by reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href*='#']");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (link.matches(".bite-open-link, .bite-close-link")) return; // handled below
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return;
    var el = targetOf(url.hash);
    if (!el) return;
    event.preventDefault();
    unfoldAround(el);
    // A real fragment navigation (not pushState), so :target moves to the new passage too.
    if (location.hash !== url.hash) location.hash = url.hash;
    reveal(url.hash, true);
  });

  window.addEventListener("hashchange", function () { reveal(location.hash, false); });

  // The "Unfold the Matrix Bite" link opens it in place.
  document.addEventListener("click", function (event) {
    var open = event.target.closest && event.target.closest(".bite-open-link");
    var close = event.target.closest && event.target.closest(".bite-close-link");
    var bite = document.getElementById("bite");
    if (!bite || (!open && !close)) return;
    event.preventDefault();
    bite.open = !!open;
    var to = open ? bite : document.getElementById("bite-heading");
    to.scrollIntoView({ block: "start" });
    if (open) bite.querySelector("summary").focus({ preventScroll: true });
  });

  // Supplementary text gets a second "fold" control at its end, as readers expect.
  var supplements = document.querySelectorAll("details.supplement:not(.supplement-inline)");
  for (var i = 0; i < supplements.length; i++) {
    (function (details) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "supplement-close";
      button.textContent = "Fold the supplementary text";
      button.addEventListener("click", function () {
        details.open = false;
        details.querySelector("summary").focus();
      });
      details.appendChild(button);
    })(supplements[i]);
  }

  // Notes: a tap opens a phrase's note (touch has no hover); Escape hides any open note.
  document.addEventListener("click", function (event) {
    var phrase = event.target.closest && event.target.closest(".note-phrase");
    var openNotes = document.querySelectorAll(".has-note.is-open");
    for (var i = 0; i < openNotes.length; i++) {
      if (!phrase || openNotes[i] !== phrase.parentElement) openNotes[i].classList.remove("is-open");
    }
    if (phrase) {
      phrase.parentElement.classList.remove("is-dismissed");
      phrase.parentElement.classList.toggle("is-open");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var notes = document.querySelectorAll(".has-note");
    for (var i = 0; i < notes.length; i++) {
      if (notes[i].matches(":hover, :focus-within, .is-open")) {
        notes[i].classList.remove("is-open");
        notes[i].classList.add("is-dismissed");
      }
    }
  });
  document.addEventListener("focusin", function (event) {
    var note = event.target.closest && event.target.closest(".has-note");
    if (note) note.classList.remove("is-dismissed");
  });
  document.addEventListener("mouseover", function (event) {
    var note = event.target.closest && event.target.closest(".has-note");
    if (note) note.classList.remove("is-dismissed");
  });

  // "Copy title and link".
  var copyButtons = document.querySelectorAll("[data-copy-from]");
  for (var j = 0; j < copyButtons.length; j++) {
    (function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-from"));
      var status = button.parentElement.querySelector(".copy-status");
      if (!field || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(
          function () { if (status) status.textContent = "Copied."; },
          function () { field.select(); if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy."; }
        );
      });
    })(copyButtons[j]);
  }

  if (location.hash) reveal(location.hash, false);
})();
