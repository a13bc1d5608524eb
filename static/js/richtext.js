/*
 * Rich-text editing of papers: progressive enhancement of <textarea data-rich-text>.
 *
 * Without JavaScript (or if the editor fails to load) the plain textarea still works and
 * the server sanitises whatever is posted. With it, each textarea becomes a TinyMCE
 * editor (self-hosted from the npm package, GPL licence: license_key "gpl"), limited to
 * exactly the elements the server's sanitiser keeps: the list comes from the textarea's
 * data-valid-elements attribute, which the form builds from that one policy
 * (governance/packs/sanitise.py). The server still sanitises every save.
 *
 * Loaded as a plain file (no build step, no inline script); TinyMCE's own files come from
 * the same origin (/static/tinymce/), as the Content-Security-Policy requires.
 */
(function () {
  "use strict";

  function labelText(textarea) {
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    return label ? label.textContent.trim() : "Rich text";
  }

  function enhance(textarea) {
    var base = textarea.getAttribute("data-editor-base") || "/static/tinymce";
    var rows = parseInt(textarea.getAttribute("rows"), 10) || 4;
    window.tinymce.init({
      target: textarea,
      license_key: "gpl",
      base_url: base,
      suffix: ".min",
      promotion: false,
      branding: false,
      menubar: false,
      statusbar: true,
      elementpath: false,
      plugins: "lists link table autoresize help",
      toolbar:
        "undo redo | blocks | bold italic | bullist numlist | link | table | removeformat | help",
      block_formats: "Paragraph=p; Heading 2=h2; Heading 3=h3; Heading 4=h4",
      // the sanitiser's allow-list, and no style attributes or classes at all
      valid_elements: textarea.getAttribute("data-valid-elements"),
      valid_styles: {},
      valid_classes: {},
      invalid_styles: "*",
      entity_encoding: "raw",
      convert_urls: false,
      relative_urls: false,
      link_default_protocol: "https",
      link_assume_external_targets: "https",
      link_target_list: false,
      link_title: false,
      table_default_attributes: {},
      table_default_styles: {},
      table_use_colgroups: false,
      table_appearance_options: false,
      table_advtab: false,
      table_cell_advtab: false,
      table_row_advtab: false,
      object_resizing: false,
      paste_data_images: false,
      paste_block_drop: true,
      min_height: rows > 6 ? 360 : 180,
      autoresize_bottom_margin: 20,
      // the editing area is named after the field's label, for screen readers (the
      // body's aria-label; the iframe's title too, which TinyMCE sets only in Firefox)
      iframe_aria_text: labelText(textarea) + ". Rich text editor: press Alt+0 for help.",
      iframe_attrs: { title: labelText(textarea) + " (rich text editor)" },
      setup: function (editor) {
        // keep the textarea current, so the form posts what is on screen
        editor.on("change input undo redo", function () {
          editor.save();
        });
        // the field's error state, for assistive technology
        editor.on("init", function () {
          // the editing area is a multi-line text box named by iframe_aria_text: a body
          // left as role="document" may not carry that aria-label (axe, serious)
          var body = editor.getBody();
          body.setAttribute("role", "textbox");
          body.setAttribute("aria-multiline", "true");
          if (textarea.getAttribute("aria-invalid") === "true") {
            editor.getContainer().classList.add("rich-text--error");
          }
        });
      },
    });
  }

  function start() {
    if (!window.tinymce) {
      return; // the plain textarea stays
    }
    var areas = document.querySelectorAll("textarea[data-rich-text]");
    for (var i = 0; i < areas.length; i += 1) {
      enhance(areas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
