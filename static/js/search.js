// Search page enhancements. Without this file every control still works: facets and pages
// are links, and the sort and year forms have their own buttons.
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-autosubmit]");
  for (var i = 0; i < selects.length; i++) {
    var select = selects[i];
    var button = select.form && select.form.querySelector(".js-hide");
    if (button) button.hidden = true;
    // A sort choice applies at once, keeping the rest of the search.
    select.addEventListener("change", function () {
      this.form.submit();
    });
  }
})();
