// Forms marked data-submit-once disable their button once sent, so a double click sends one request.
// The server refuses a second submission anyway (orders.services.order_submit).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once") || event.defaultPrevented) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });
})();

// The product form shows width and height only for a custom format (they stay visible without JS,
// and whenever they hold a value or an error).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[data-custom-formats]");
    if (!select) { return; }
    var custom = select.getAttribute("data-custom-formats").split(" ");
    var fields = ["id_width_mm", "id_height_mm"].map(function (id) {
      var input = document.getElementById(id);
      return input ? input.closest(".field") : null;
    }).filter(Boolean);
    function update() {
      var show = custom.indexOf(select.value) !== -1;
      fields.forEach(function (field) {
        var input = field.querySelector("input");
        field.hidden = !show && !input.value && !field.classList.contains("field--invalid");
      });
    }
    select.addEventListener("change", update);
    update();
  });
})();
