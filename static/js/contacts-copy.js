// Copy buttons next to a read-only field (links for staff). Without JS, the field stays selectable.
(function () {
  "use strict";
  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[role=status]");
    function say(key) { if (status) { status.textContent = status.getAttribute(key); } }
    function fallback() {
      input.focus();
      input.select();
      try { say(document.execCommand("copy") ? "data-copied" : "data-failed"); } catch (e) { say("data-failed"); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { say("data-copied"); }, fallback);
    } else {
      fallback();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
