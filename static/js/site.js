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
  // A note on a link: on touch the first tap shows the note, with a "Go to …" link in it,
  // and does not navigate; a second tap on the link (or the "Go to" link) follows it.
  // Mouse and keyboard follow the link at once, as without this script.
  var lastTouch = -1e9;
  function touched() { lastTouch = Date.now(); }
  document.addEventListener("touchstart", touched, { passive: true, capture: true });
  document.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "touch" || event.pointerType === "pen") touched();
  }, true);

  function closeNote(wrapper) {
    wrapper.classList.remove("is-open");
    var go = wrapper.querySelector(".note-go");
    if (go) go.parentNode.removeChild(go);
  }

  function openLinkNote(wrapper, link) {
    wrapper.classList.remove("is-dismissed");
    wrapper.classList.add("is-open");
    var note = wrapper.querySelector(".note");
    if (!note || note.querySelector(".note-go")) return;
    var go = document.createElement("span");
    go.className = "note-go";
    var a = document.createElement("a");
    a.href = link.href;
    a.textContent = "Go to " + link.textContent.trim();
    go.appendChild(a);
    note.appendChild(go);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var phrase = target.closest(".note-phrase");
    var link = target.closest(".has-note > a");
    var host = phrase ? phrase.parentElement : link ? link.parentElement : target.closest(".has-note");
    var openNotes = document.querySelectorAll(".has-note.is-open");
    for (var i = 0; i < openNotes.length; i++) {
      if (openNotes[i] !== host) closeNote(openNotes[i]);
    }
    if (phrase) {
      phrase.parentElement.classList.remove("is-dismissed");
      if (phrase.parentElement.classList.contains("is-open")) closeNote(phrase.parentElement);
      else phrase.parentElement.classList.add("is-open");
    } else if (link && Date.now() - lastTouch < 1500 && !link.parentElement.classList.contains("is-open")) {
      event.preventDefault();
      openLinkNote(link.parentElement, link);
    }
  });
  // A phrase is a span with role="button" (so it wraps in the line): Enter and Space press it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var phrase = event.target.closest && event.target.closest(".note-phrase[role='button']");
    if (!phrase || event.target !== phrase) return;
    event.preventDefault();
    phrase.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var notes = document.querySelectorAll(".has-note");
    for (var i = 0; i < notes.length; i++) {
      if (notes[i].matches(":hover, :focus-within, .is-open")) {
        closeNote(notes[i]);
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

  // The Matrix Bite's contents mark the section being read (aria-current="location").
  var contentsLinks = document.querySelectorAll(".bite-contents-link");
  if (contentsLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    for (var k = 0; k < contentsLinks.length; k++) {
      var id = contentsLinks[k].hash.slice(1);
      byId[id] = contentsLinks[k];
    }
    var markCurrent = function (id) {
      for (var m = 0; m < contentsLinks.length; m++) {
        if (contentsLinks[m] === byId[id]) contentsLinks[m].setAttribute("aria-current", "location");
        else contentsLinks[m].removeAttribute("aria-current");
      }
    };
    var observer = new IntersectionObserver(function (seen) {
      for (var n = 0; n < seen.length; n++) {
        if (seen[n].isIntersecting && byId[seen[n].target.id]) markCurrent(seen[n].target.id);
      }
    }, { rootMargin: "0px 0px -70% 0px" });
    var watched = document.querySelectorAll(".bite-body .bite-section, #bite-issues-heading");
    for (var q = 0; q < watched.length; q++) observer.observe(watched[q]);
  }

  if (location.hash) reveal(location.hash, false);
})();
