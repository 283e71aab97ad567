/* Names for the admin's unnamed controls, so screen readers can say what each is.
 *
 * Django's tabular inlines put a field's label in the column header only; select2
 * (autocomplete fields), modeltranslation's language tabs and switch, and the
 * filter_horizontal help icons come without accessible names or with roles that
 * nest. This gives each control a name from its visible label or column header,
 * once the page is ready and again when an inline row is added.
 */
(function () {
  "use strict";

  function columnHeader(cell) {
    const table = cell.closest("table");
    if (!table) return "";
    const heads = table.querySelectorAll("thead th");
    let index = 0;
    for (let c = cell.previousElementSibling; c; c = c.previousElementSibling) {
      index += c.colSpan || 1;
    }
    let position = 0;
    for (const th of heads) {
      if (position === index) return th.textContent.trim();
      position += th.colSpan || 1;
    }
    return "";
  }

  function labelFor(control) {
    if (control.id) {
      const label = document.querySelector('label[for="' + control.id + '"]');
      if (label && label.textContent.trim()) return label.textContent.trim();
    }
    const cell = control.closest("td");
    if (cell) {
      const row = control.closest("tr");
      const name = columnHeader(cell);
      const original = row && row.querySelector("td.original p");
      const which = original && original.textContent.trim();
      return which ? name + " (" + which + ")" : name;
    }
    return "";
  }

  function nameControls(root) {
    root
      .querySelectorAll(".tabular td input, .tabular td select, .tabular td textarea")
      .forEach(function (control) {
        if (control.type === "hidden" || control.getAttribute("aria-label")) return;
        const name = labelFor(control);
        if (name) control.setAttribute("aria-label", name);
      });
    root.querySelectorAll("select.admin-autocomplete, select[data-context]").forEach(
      function (select) {
        const name = select.getAttribute("aria-label") || labelFor(select);
        if (!name) return;
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2")) return;
        container
          .querySelectorAll(
            ".select2-selection, .select2-selection__rendered, .select2-search__field"
          )
          .forEach(function (part) {
            part.setAttribute("aria-label", name);
          });
      }
    );
    root.querySelectorAll(".help-tooltip[aria-label]").forEach(function (icon) {
      if (!icon.getAttribute("role")) icon.setAttribute("role", "img");
    });
    root.querySelectorAll("select.modeltranslation-switch").forEach(function (s) {
      s.setAttribute("aria-label", s.dataset.label || "Language of the fields");
    });
    // Each language tab says its text's status (original, translated by whom and
    // when, reviewed, missing): the admin puts it on the column's input
    // (archive/admin/translating.py, mark_language_tabs).
    root.querySelectorAll('[role="tab"][aria-controls^="tab_"]').forEach(function (tab) {
      if (tab.querySelector(".translation-marker")) return;
      const input = document.getElementById(tab.getAttribute("aria-controls").slice(4));
      if (!input || !input.dataset.translationMarker) return;
      const mark = document.createElement("span");
      mark.className = "translation-marker status-" + input.dataset.translationStatus;
      mark.textContent = input.dataset.translationMarker;
      (tab.querySelector("a") || tab).appendChild(mark);
    });
    // jQuery UI tabs: the tab (li) is the control; its link must not be another.
    // jQuery UI still reads the link's href and hash (to know the panel is on
    // this page), so they stay as properties of the element, not as an attribute
    // that would make the link focusable.
    root.querySelectorAll('[role="tab"] a[href]').forEach(function (link) {
      const href = link.href;
      const hash = link.hash;
      link.removeAttribute("tabindex");
      link.removeAttribute("href");
      Object.defineProperty(link, "href", { value: href });
      Object.defineProperty(link, "hash", { value: hash });
    });
    // Without a link, a click on the tab activates it through jQuery UI itself
    // (keyboard: jQuery UI's own arrow, Enter and Space keys on the tab).
    root.querySelectorAll('[role="tab"]').forEach(function (tab) {
      if (tab.dataset.archiveTab) return;
      tab.dataset.archiveTab = "1";
      tab.addEventListener("click", function () {
        const $ = window.django && window.django.jQuery;
        if (!$ || !$.fn.tabs) return;
        const container = $(tab).closest(".ui-tabs");
        container.tabs("option", "active", $(tab).index());
      });
    });
  }

  // django-import-export's export page: its "Select all" box has a label for an
  // id it lacks, and an inline onchange handler the Content Security Policy
  // blocks; give it the id and the handler (from the library's own script).
  function exportSelectAll(root) {
    root.querySelectorAll("input.select-toggle").forEach(function (box) {
      if (box.dataset.archiveToggle) return;
      box.dataset.archiveToggle = "1";
      if (!box.id) box.id = box.name;
      box.removeAttribute("onchange");
      box.addEventListener("change", function (event) {
        if (typeof window.onSelectToggleChange === "function") {
          window.onSelectToggleChange(event);
        }
      });
    });
  }

  function run() {
    nameControls(document);
    exportSelectAll(document);
  }

  // After Django's and modeltranslation's own scripts (select2, tabs) have run.
  window.addEventListener("load", function () {
    run();
    setTimeout(run, 0);
  });
  document.addEventListener("formset:added", function (event) {
    setTimeout(function () {
      nameControls(event.target);
    }, 0);
  });
})();
