// Generic link admin: "Copy the link" uses the clipboard when the page may; otherwise it selects the
// read-only field so staff copy it themselves. Without JavaScript the field stays visible and selectable.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      var status = document.querySelector("[data-copy-status]");
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        function say(attribute) { if (status) { status.textContent = button.getAttribute(attribute); } }
        function selectField() { field.focus(); field.select(); say("data-select-text"); }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () { say("data-copied-text"); }, selectField);
        } else {
          selectField();
        }
      });
    });
  });
})();
