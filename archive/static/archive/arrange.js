/* Arranging an exhibition's sections and items (archive/admin/arrange.py).
 *
 * Without this script every "Move up"/"Move down" button posts the page and the
 * server moves one row. With it, the buttons move the row in place, rows can be
 * dragged by their handle (mouse, pen or finger: pointer events), every move is
 * announced in the page's live region, and the whole order is posted as JSON to
 * the order URL with the stamp of the order the page shows. A refused save puts
 * the rows back as they were and says why; an out-of-date page reloads (the
 * server's message says what happened).
 */
(function () {
  "use strict";

  const root = document.getElementById("arrange-form");
  if (!root) return;
  root.classList.add("arrange-js");
  const status = document.getElementById("arrange-status");
  const stampField = root.querySelector("input[name=stamp]");
  const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  let saved = snapshot();
  let saving = false;
  let again = false;

  function sections() {
    return Array.from(root.querySelectorAll(".arrange-section"));
  }

  function itemsOf(section) {
    return Array.from(section.querySelectorAll(":scope > .arrange-items > .arrange-item"));
  }

  function nameOf(row) {
    return row.querySelector(".arrange-name").textContent.trim();
  }

  function snapshot() {
    return sections().map(function (section) {
      return { section: section, items: itemsOf(section) };
    });
  }

  function restore(order) {
    const list = root.querySelector(".arrange-sections");
    order.forEach(function (entry) {
      list.append(entry.section);
      const items = entry.section.querySelector(".arrange-items");
      entry.items.forEach(function (item) { items.append(item); });
    });
    refresh();
  }

  function say(message) {
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) {
      return text.split("%(" + key + ")s").join(values[key]);
    }, template);
  }

  function setButtons(row, upLabel, upDisabled, downLabel, downDisabled) {
    const buttons = row.querySelector(":scope > .arrange-row .arrange-buttons");
    const up = buttons.querySelector(".arrange-up");
    const down = buttons.querySelector(".arrange-down");
    up.textContent = upLabel;
    up.disabled = upDisabled;
    down.textContent = downLabel;
    down.disabled = downDisabled;
  }

  /* The buttons' labels and states, as the server writes them (arrange.py). */
  function refresh() {
    const all = sections();
    const d = root.dataset;
    all.forEach(function (section, index) {
      const first = index === 0;
      const last = index === all.length - 1;
      setButtons(section, d.labelUp, first, d.labelDown, last);
      const items = itemsOf(section);
      items.forEach(function (item, place) {
        const top = place === 0;
        const bottom = place === items.length - 1;
        setButtons(
          item,
          top ? d.labelPrevious : d.labelUp, top && first,
          bottom ? d.labelNext : d.labelDown, bottom && last
        );
      });
      section.querySelector(".arrange-empty").hidden = items.length > 0;
    });
  }

  function describe(row) {
    const d = root.dataset;
    if (row.classList.contains("arrange-section")) {
      const all = sections();
      return fill(d.sectionMoved, { name: nameOf(row), n: all.indexOf(row) + 1, total: all.length });
    }
    const section = row.closest(".arrange-section");
    const items = itemsOf(section);
    return fill(d.itemMoved, {
      name: nameOf(row), n: items.indexOf(row) + 1, total: items.length, section: nameOf(section)
    });
  }

  function order() {
    return sections().map(function (section) {
      return {
        id: Number(section.dataset.id),
        items: itemsOf(section).map(function (item) { return Number(item.dataset.id); })
      };
    });
  }

  function save() {
    if (saving) { again = true; return; }
    saving = true;
    const before = saved;
    const now = snapshot();
    fetch(root.dataset.orderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify({ stamp: stampField.value, sections: order() })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).then(function (answer) {
      saving = false;
      if (answer.ok) {
        stampField.value = answer.data.stamp;
        saved = now;
        if (again) { again = false; save(); }
        return;
      }
      again = false;
      if (answer.status === 409) { window.location.reload(); return; }
      restore(before);
      saved = before;
      say(answer.data.detail || root.dataset.savingFailed);
    }).catch(function () {
      saving = false;
      again = false;
      restore(before);
      saved = before;
      say(root.dataset.savingFailed);
    });
  }

  function moved(row) {
    refresh();
    say(describe(row));
    save();
  }

  // Buttons --------------------------------------------------------------------------

  function step(button) {
    const row = button.closest(".arrange-item, .arrange-section");
    const up = button.classList.contains("arrange-up");
    if (row.classList.contains("arrange-section")) {
      const other = up ? row.previousElementSibling : row.nextElementSibling;
      if (!other) return;
      if (up) other.before(row); else other.after(row);
    } else {
      const other = up ? row.previousElementSibling : row.nextElementSibling;
      if (other) {
        if (up) other.before(row); else other.after(row);
      } else {
        const section = row.closest(".arrange-section");
        const next = up ? section.previousElementSibling : section.nextElementSibling;
        if (!next) return;
        const list = next.querySelector(".arrange-items");
        if (up) list.append(row); else list.prepend(row);
      }
    }
    moved(row);
    // The focus stays on the button pressed, or goes to its twin at an end.
    const buttons = row.querySelector(":scope > .arrange-row .arrange-buttons");
    const same = buttons.querySelector(up ? ".arrange-up" : ".arrange-down");
    const twin = buttons.querySelector(up ? ".arrange-down" : ".arrange-up");
    (same.disabled ? twin : same).focus();
  }

  root.addEventListener("click", function (event) {
    const button = event.target.closest("button[name=move]");
    if (!button || !root.contains(button)) return;
    event.preventDefault();
    step(button);
  });

  // Dragging by the handle --------------------------------------------------------

  let dragging = null;

  function rowAt(x, y, kind) {
    const under = document.elementFromPoint(x, y);
    if (!under) return null;
    if (kind === "section") return under.closest(".arrange-section");
    return under.closest(".arrange-item") || under.closest(".arrange-section");
  }

  root.addEventListener("pointerdown", function (event) {
    const handle = event.target.closest(".arrange-handle");
    if (!handle || event.button !== 0) return;
    const row = handle.closest(".arrange-item, .arrange-section");
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    dragging = {
      row: row,
      handle: handle,
      kind: row.classList.contains("arrange-section") ? "section" : "item",
      start: order()
    };
    row.classList.add("arrange-dragging");
    say(fill(root.dataset.grabbed, { name: nameOf(row) }));
  });

  root.addEventListener("pointermove", function (event) {
    if (!dragging) return;
    const row = dragging.row;
    const target = rowAt(event.clientX, event.clientY, dragging.kind);
    if (!target || target === row || row.contains(target)) return;
    const box = target.getBoundingClientRect();
    if (dragging.kind === "item" && target.classList.contains("arrange-section")) {
      // Over a section but not over one of its items: its first or last place.
      const list = target.querySelector(".arrange-items");
      const items = itemsOf(target);
      const header = target.querySelector(".arrange-row").getBoundingClientRect();
      if (event.clientY <= header.bottom) list.prepend(row);
      else if (!items.length || event.clientY > items[items.length - 1].getBoundingClientRect().bottom) list.append(row);
      return;
    }
    const after = event.clientY > box.top + box.height / 2;
    if (after) target.after(row); else target.before(row);
  });

  function drop() {
    if (!dragging) return;
    const row = dragging.row;
    const changed = JSON.stringify(order()) !== JSON.stringify(dragging.start);
    row.classList.remove("arrange-dragging");
    dragging = null;
    if (changed) moved(row); else refresh();
  }

  root.addEventListener("pointerup", drop);
  root.addEventListener("pointercancel", drop);

  refresh();
})();
