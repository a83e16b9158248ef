// Files of a product: drag and drop, and uploads with a progress bar. The forms work without this file.
(function () {
  "use strict";
  if (window.colophonFiles) { return; }
  window.colophonFiles = true;

  function panelOf(element) { return element.closest("[data-product-files]"); }

  function showError(form, text) {
    var input = form.querySelector('input[type="file"]');
    var field = input ? input.closest(".field") : form;
    var box = field.querySelector(".field__errors");
    if (!box) {
      box = document.createElement("div");
      box.className = "field__errors";
      field.appendChild(box);
    }
    box.setAttribute("role", "alert");
    box.textContent = text;
    field.classList.add("field--invalid");
    if (input) { input.focus(); }
  }

  function replacePanel(oldPanel, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("[data-product-files]");
    if (!fresh) { return false; }
    oldPanel.replaceWith(fresh);
    if (window.htmx) { window.htmx.process(fresh); }
    enhance(fresh);
    var invalid = fresh.querySelector(".field--invalid input, .field--invalid select");
    if (invalid) {
      var details = invalid.closest("details");
      if (details) { details.open = true; }
      invalid.focus();
    }
    return true;
  }

  function send(form) {
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (file && max && file.size > max) {
      showError(form, form.getAttribute("data-too-large"));
      return;
    }
    var progress = form.querySelector("[data-progress]");
    var bar = progress && progress.querySelector("progress");
    var label = progress && progress.querySelector("[data-progress-text]");
    var button = form.querySelector('button[type="submit"]');
    var panel = panelOf(form);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable || !bar) { return; }
      var percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      label.textContent = percent + " %";
    });
    xhr.addEventListener("load", function () {
      if (!(panel && replacePanel(panel, xhr.responseText))) {
        if (button) { button.disabled = false; }
        showError(form, form.getAttribute("data-failed"));
      }
    });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      if (progress) { progress.hidden = true; }
      showError(form, form.getAttribute("data-failed"));
    });
    if (progress) { progress.hidden = false; }
    if (button) { button.disabled = true; }
    xhr.send(new FormData(form));
  }

  function enhance(root) {
    root.querySelectorAll("form[data-upload]").forEach(function (form) {
      if (form.dataset.enhanced) { return; }
      form.dataset.enhanced = "true";
      form.addEventListener("submit", function (event) {
        if (!window.FormData || !window.XMLHttpRequest) { return; }
        event.preventDefault();
        send(form);
      });
      var zone = form.querySelector("[data-dropzone]");
      var input = form.querySelector('input[type="file"]');
      if (!zone || !input) { return; }
      var hint = zone.querySelector("[data-dropzone-hint]");
      if (hint) { hint.hidden = false; }
      zone.addEventListener("dragover", function (event) {
        event.preventDefault();
        zone.classList.add("dropzone--over");
      });
      zone.addEventListener("dragleave", function () { zone.classList.remove("dropzone--over"); });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        zone.classList.remove("dropzone--over");
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // Rows polled by htmx bring new replace forms.
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target.parentNode || document); });
})();
