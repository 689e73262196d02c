/* Editors' admin: an "Insert a link…" button under every markup text box.
   It searches what can be linked to (the same search as /admin/guide/links/) and inserts
   the reference where the cursor is, around any words selected. Without JavaScript the
   help text under the box links to that page instead. */
(function () {
  "use strict";

  function insert(textarea, target) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end);
    var text = target.markup;
    if (selected && text.charAt(0) === "[" && text.indexOf("[[") !== 0) {
      text = "[" + selected + "](" + target.reference + ")";
    }
    textarea.setRangeText(text, start, end, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function finder(textarea, url) {
    var wrap = document.createElement("div");
    wrap.className = "link-finder";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Insert a link…";
    button.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.hidden = true;
    var label = document.createElement("label");
    var id = textarea.id + "-link-search";
    label.htmlFor = id;
    label.textContent = "Find a document, cell, section, topic or chart";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    var results = document.createElement("ul");
    results.setAttribute("aria-live", "polite");
    panel.append(label, input, results);
    wrap.append(button, panel);
    textarea.insertAdjacentElement("afterend", wrap);

    button.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) input.focus();
    });
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length < 2) { results.replaceChildren(); return; }
        fetch(url + "?format=json&q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            results.replaceChildren();
            if (!data.results.length) {
              var none = document.createElement("li");
              none.textContent = "Nothing matches.";
              results.append(none);
            }
            data.results.forEach(function (target) {
              var item = document.createElement("li");
              var choose = document.createElement("button");
              choose.type = "button";
              choose.textContent = target.label + " (" + target.reference + ")";
              choose.addEventListener("click", function () {
                insert(textarea, target);
                panel.hidden = true;
                button.setAttribute("aria-expanded", "false");
              });
              item.append(choose);
              results.append(item);
            });
          });
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-markup]").forEach(function (textarea) {
      finder(textarea, textarea.dataset.linkFinder);
    });
  });
})();
