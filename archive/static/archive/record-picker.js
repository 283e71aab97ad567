/* The exhibition item picker and the up/down order buttons (archive/admin/picker.py).
 *
 * Picker: the record field is a text input; this makes it an ARIA 1.2 combo box
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) over a list box of the
 * records the admin's search finds: type to search, Down/Up to move, Enter to
 * choose, Escape to close. The chosen record is shown beside the field. Without
 * this script the field still takes "Title [kind:id]" or "kind:id".
 *
 * Order: each inline row's "Move up"/"Move down" buttons move the row and number
 * the rows' order fields again; nothing is saved until the curator saves the
 * page (the save goes through the workflow rules like any other edit).
 */
(function () {
  "use strict";

  let counter = 0;

  function text(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function preview(box, result) {
    box.replaceChildren();
    if (!result) return;
    if (result.thumbnail) {
      const img = document.createElement("img");
      img.src = result.thumbnail;
      img.alt = "";
      img.width = 64;
      img.height = 64;
      box.append(img);
    }
    const span = text("span");
    span.append(text("strong", "", result.title), document.createElement("br"));
    const kind = result.kind.charAt(0).toUpperCase() + result.kind.slice(1);
    span.append(kind + " · ");
    span.append(text("span", "record-picker-state record-picker-" + result.status, result.status_label));
    box.append(span);
  }

  function setUp(input) {
    if (input.dataset.pickerReady) return;
    input.dataset.pickerReady = "1";
    const root = input.closest(".record-picker");
    const list = root.querySelector(".record-picker-list");
    const status = root.querySelector(".record-picker-status");
    const box = root.querySelector(".record-picker-preview");
    // A row added by "Add another" copies the template's ids: make them unique.
    if (!input.id || document.querySelectorAll("#" + CSS.escape(input.id)).length > 1 || input.id.includes("__prefix__")) {
      input.id = input.id + "_" + (++counter);
    }
    list.id = input.id + "_listbox";
    input.setAttribute("aria-controls", list.id);
    let results = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      results = found;
      list.replaceChildren();
      found.forEach(function (result, i) {
        const option = text("li");
        option.id = list.id + "_" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.append(text("span", "", result.title));
        option.append(text("span", "record-picker-meta", result.kind + " · " + result.status_label));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.append(option);
      });
      const n = found.length;
      status.textContent = n === 0 ? root.dataset.empty
        : n === 1 ? root.dataset.countOne
        : root.dataset.countMany.replace("__N__", n);
      list.hidden = n === 0;
      input.setAttribute("aria-expanded", n === 0 ? "false" : "true");
      highlight(-1);
    }

    function ask() {
      const number = ++asked;
      const url = root.dataset.searchUrl + "?q=" + encodeURIComponent(input.value.replace(/\s*\[[a-z]+:\d+\]\s*$/, ""));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (number === asked) show(data.results || []); })
        .catch(function () { if (number === asked) show([]); });
    }

    function choose(index) {
      const result = results[index];
      if (!result) return;
      input.value = result.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      preview(box, result);
      status.textContent = result.title + " · " + result.kind + " · " + result.status_label;
      close();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      const open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { ask(); return; }
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // Order buttons ------------------------------------------------------------------

  function rowOf(node) {
    return node.closest(".inline-related, tr.form-row");
  }

  function rowsLike(row) {
    return Array.from(row.parentNode.children).filter(function (other) {
      return other.matches(".inline-related, tr.form-row") &&
        !other.classList.contains("empty-form") && other.querySelector(".order-control");
    });
  }

  function renumber(row) {
    rowsLike(row).forEach(function (other, i) {
      const field = other.querySelector(".order-control input");
      if (field) field.value = i + 1;
    });
  }

  function move(button, up) {
    const row = rowOf(button);
    const rows = rowsLike(row);
    const index = rows.indexOf(row);
    const other = rows[up ? index - 1 : index + 1];
    if (!other) return;
    if (up) other.before(row); else other.after(row);
    renumber(row);
    button.focus();
    const field = row.querySelector(".order-control input");
    if (field) field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function enableOrder(scope) {
    scope.querySelectorAll(".order-control button[hidden]").forEach(function (button) {
      if (button.closest(".empty-form")) return;
      button.hidden = false;
    });
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches(".record-picker-input")) setUp(event.target);
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".order-control button");
    if (button) move(button, button.classList.contains("order-up"));
  });
  document.addEventListener("formset:added", function (event) { enableOrder(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enableOrder(document); });
  } else {
    enableOrder(document);
  }
})();
