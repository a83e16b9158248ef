// Generic link form: the width and height fields show only when a custom format is chosen.
// Without JavaScript they stay visible (and the server ignores them for a fixed format).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-custom-size]").forEach(function (group) {
      var select = document.getElementById(group.getAttribute("data-format-field"));
      var custom = (group.getAttribute("data-custom-formats") || "").split(" ");
      if (!select) { return; }
      function update() { group.hidden = custom.indexOf(select.value) === -1; }
      select.addEventListener("change", update);
      update();
    });
  });
})();
