// @ts-check
/**
 * An example kiosk page for one exhibition: it keeps a copy of the exhibition in
 * the browser, asks `changes/` what changed since its last visit, fetches the
 * exhibition again only then (with its ETag, so an unchanged answer is a 304), and
 * shows its copy when the network is gone. `sw.js` keeps the page and the images.
 *
 * Open it as  kiosk/index.html?api=https://archive.example.org&exhibition=<uuid>
 * (optional: &key=<exhibition API key>&lang=fr). Typed by the generated
 * `src/api.d.ts` (`npm run check`).
 *
 * @typedef {import("../src/api").components["schemas"]} Schemas
 * @typedef {Schemas["ExhibitionDetail"]} Exhibition
 * @typedef {Schemas["ChangesPage"]} ChangesPage
 * @typedef {{ exhibition: Exhibition | null, etag: string | null, since: string | null, removed: boolean }} Stored
 */

const params = new URLSearchParams(location.search);
const API = (params.get("api") || "http://127.0.0.1:8000").replace(/\/$/, "");
const EXHIBITION = params.get("exhibition") || "";
const KEY = params.get("key");
const LANG = params.get("lang") || "en";
const STORE = `kiosk:${API}:${EXHIBITION}:${LANG}`;

/** @returns {Stored} */
function load() {
  const raw = localStorage.getItem(STORE);
  return raw ? JSON.parse(raw) : { exhibition: null, etag: null, since: null, removed: false };
}

/** @param {Stored} stored */
function save(stored) {
  localStorage.setItem(STORE, JSON.stringify(stored));
}

/** @param {Record<string, string>} extra */
function headers(extra = {}) {
  /** @type {Record<string, string>} */
  const all = { Accept: "application/json", ...extra };
  if (KEY) all.Authorization = `Api-Key ${KEY}`;
  return all;
}

/**
 * Whether anything this kiosk shows changed since `since` (every page of changes/).
 * A removed exhibition is reported as "removed".
 * @param {string} since
 * @returns {Promise<{ changed: boolean, removed: boolean, latest: string }>}
 */
async function changesSince(since) {
  let url = `${API}/api/v1/changes/?since=${encodeURIComponent(since)}`;
  let changed = false;
  let removed = false;
  let latest = since;
  while (url) {
    const response = await fetch(url, { headers: headers() });
    if (!response.ok) throw new Error(`changes/ answered ${response.status}`);
    /** @type {ChangesPage} */
    const page = await response.json();
    for (const change of page.results) {
      changed = true;
      if (change.type === "exhibition" && change.id === EXHIBITION && change.action === "removed") {
        removed = true;
      }
      if (change.updated_at > latest) latest = change.updated_at;
    }
    url = page.next || "";
  }
  return { changed, removed, latest };
}

/**
 * Bring the stored copy up to date; throws when the network is gone.
 * @param {Stored} stored
 * @returns {Promise<Stored>}
 */
async function sync(stored) {
  const startedAt = new Date().toISOString();
  if (stored.exhibition && stored.since) {
    const { changed, removed, latest } = await changesSince(stored.since);
    if (removed) return { exhibition: null, etag: null, since: latest, removed: true };
    if (!changed) return stored;
  }
  const response = await fetch(`${API}/api/v1/exhibitions/${EXHIBITION}/?lang=${LANG}`, {
    headers: headers(stored.etag ? { "If-None-Match": stored.etag } : {}),
  });
  if (response.status === 304) return { ...stored, since: startedAt };
  if (response.status === 404 || response.status === 410) {
    return { exhibition: null, etag: null, since: startedAt, removed: true };
  }
  if (!response.ok) throw new Error(`the exhibition answered ${response.status}`);
  /** @type {Exhibition} */
  const exhibition = await response.json();
  return { exhibition, etag: response.headers.get("ETag"), since: startedAt, removed: false };
}

/** @param {unknown} value */
function text(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  const map = /** @type {Record<string, string | null>} */ (value);
  return map[LANG] || map.en || "";
}

/**
 * @param {string} tag
 * @param {string} content
 * @param {string} [className]
 */
function element(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

/** @param {Schemas["Image"]} image */
function figure(image) {
  const shown = document.createElement("figure");
  const jpegs = image.renditions.filter((r) => r.format === "jpeg");
  const best = jpegs.find((r) => r.name === "view") || jpegs[jpegs.length - 1];
  if (image.content_warning) shown.append(element("p", text(image.content_warning), "warning"));
  if (best) {
    const img = document.createElement("img");
    img.src = best.url;
    img.width = best.width;
    img.height = best.height;
    img.alt = text(image.alt_text);
    shown.append(img);
  }
  shown.append(element("figcaption", text(image.caption)));
  shown.append(element("p", text(image.credit_line), "credit"));
  return shown;
}

/** @param {Exhibition} exhibition */
function render(exhibition) {
  const main = /** @type {HTMLElement} */ (document.getElementById("exhibition"));
  main.replaceChildren(element("h1", text(exhibition.title)));
  if (exhibition.subtitle) main.append(element("p", text(exhibition.subtitle)));
  if (exhibition.hero_image) main.append(figure(exhibition.hero_image));
  for (const section of exhibition.sections) {
    const part = document.createElement("section");
    part.append(element("h2", text(section.title)));
    if (section.body) part.append(element("p", text(section.body)));
    for (const item of section.items) {
      const record = /** @type {any} */ (item.record);
      if (item.type === "image") part.append(figure(record));
      else part.append(element("h3", text(record.title)));
      if (item.caption) part.append(element("p", text(item.caption)));
    }
    main.append(part);
  }
}

async function main() {
  const status = /** @type {HTMLElement} */ (document.getElementById("status"));
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(() => undefined);
  }
  let stored = load();
  try {
    stored = await sync(stored);
    save(stored);
    status.textContent = `Up to date (${new Date().toLocaleString()}).`;
  } catch (error) {
    status.textContent = stored.exhibition
      ? `Offline: showing the copy synced on ${new Date(stored.since || 0).toLocaleString()}.`
      : "Offline, and no copy of the exhibition yet.";
  }
  if (stored.removed) status.textContent = "This exhibition is no longer available.";
  if (stored.exhibition) render(stored.exhibition);
}

main();
