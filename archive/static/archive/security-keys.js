/* Security keys and passkeys (WebAuthn) for staff: add a key on the two-factor
 * page (form#security-key-add), use it at login (form#security-key-login).
 *
 * Each form names two URLs (data-begin, data-finish; archive/security_keys.py).
 * "begin" answers the options, with a one-time challenge, as JSON in base64url;
 * the browser asks the key; "finish" checks its answer and says where to go next,
 * or answers 4xx with {"error": "..."} shown in #security-key-error. A static file,
 * because the Content Security Policy allows no inline script.
 */
(function () {
  "use strict";

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  }

  function toBase64url(buffer) {
    let text = "";
    for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken(form) {
    return form.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  async function post(form, url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function showError(form, message) {
    const note = form.querySelector("#security-key-error");
    note.textContent = message;
    note.hidden = false;
  }

  function credentialsOf(options) {
    return (options || []).map((item) => ({ ...item, id: toBytes(item.id) }));
  }

  /* The credential as the JSON py_webauthn reads: binary fields in base64url. */
  function encode(credential, fields) {
    const response = {};
    for (const field of fields) {
      const value = credential.response[field];
      response[field] = value ? toBase64url(value) : null;
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  async function addKey(form) {
    const options = await post(form, form.dataset.begin);
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = credentialsOf(options.excludeCredentials);
    const credential = await navigator.credentials.create({ publicKey: options });
    return post(form, form.dataset.finish, {
      name: form.querySelector("[name=name]").value,
      credential: encode(credential, ["clientDataJSON", "attestationObject"]),
    });
  }

  async function useKey(form) {
    const options = await post(form, form.dataset.begin);
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = credentialsOf(options.allowCredentials);
    const credential = await navigator.credentials.get({ publicKey: options });
    return post(form, form.dataset.finish, {
      credential: encode(credential, [
        "clientDataJSON",
        "authenticatorData",
        "signature",
        "userHandle",
      ]),
    });
  }

  function wire(id, ceremony) {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("[type=submit]");
      button.disabled = true;
      try {
        if (!window.PublicKeyCredential) {
          throw new Error(form.dataset.unsupported || "WebAuthn is not available.");
        }
        const result = await ceremony(form);
        window.location.assign(result.redirect);
      } catch (error) {
        // The browser's own errors (cancelled, timed out, wrong key) are in
        // English; the archive's answers are already in the staff member's language.
        const own = error instanceof DOMException;
        showError(form, own ? form.dataset.refused : error.message);
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire("security-key-add", addKey);
    wire("security-key-login", useKey);
  });
})();
