// The upload protocol of API.md, for the browser: ask for a slot, POST the file straight to
// storage (an S3 presigned POST, or the app's own endpoint in filesystem mode) with a progress
// bar, then confirm. No file bytes pass through the app servers in S3 mode.
(function () {
  "use strict";
  const box = document.querySelector(".uploader");
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const lang = document.documentElement.lang || "ko";
  const T = lang.startsWith("en")
    ? { asking: "Preparing…", sending: "Uploading… ", checking: "Checking the file…", done: "Uploaded.", choose: "Choose a file first.", failed: "Upload failed: " }
    : { asking: "준비 중…", sending: "올리는 중… ", checking: "파일을 확인하는 중…", done: "올렸습니다.", choose: "먼저 파일을 고르세요.", failed: "올리지 못했습니다: " };

  async function api(url, options) {
    const response = await fetch(url, Object.assign({
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept-Language": lang },
    }, options));
    const body = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) { const e = new Error(body.message || response.statusText); e.body = body; throw e; }
    return body;
  }

  function sendFile(ticket, file, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      Object.entries(ticket.fields).forEach(([k, v]) => form.append(k, v));
      form.append("file", file);  // the file part goes last, as S3 requires
      const xhr = new XMLHttpRequest();
      xhr.open("POST", ticket.url);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300) ? resolve()
        : reject(new Error((() => { try { return JSON.parse(xhr.responseText).message; } catch (_) { return "HTTP " + xhr.status; } })()));
      xhr.onerror = () => reject(new Error("network"));
      xhr.send(form);
    });
  }

  if (box) {
    const input = box.querySelector("#file"), slot = box.querySelector("#slot");
    const bar = box.querySelector("progress"), status = box.querySelector(".upload-status");
    const preview = box.querySelector(".preview"), button = box.querySelector("[data-upload]");
    input.addEventListener("change", () => {
      const file = input.files[0];
      status.textContent = ""; status.classList.remove("field-error");
      if (file && file.type.startsWith("image/") && file.type !== "image/heic") {
        // A data: URL, not a blob: one: the Content-Security-Policy's img-src allows data:.
        const reader = new FileReader();
        reader.onload = () => { preview.src = reader.result; preview.hidden = false; };
        reader.readAsDataURL(file);
      } else { preview.hidden = true; }
    });
    const occupied = (box.dataset.occupied || "").split(",").filter(Boolean);
    button.addEventListener("click", async () => {
      const file = input.files[0];
      status.classList.remove("field-error");
      if (!file) { status.textContent = T.choose; status.classList.add("field-error"); input.focus(); return; }
      // A slot that holds one file (the drawing, the proposal): ask before replacing it.
      if (occupied.includes(slot.value) && !window.confirm(box.dataset.replace)) return;
      button.disabled = true; bar.hidden = false; bar.value = 0; status.textContent = T.asking;
      try {
        const type = file.type || (file.name.toLowerCase().endsWith(".heic") ? "image/heic" : "application/octet-stream");
        const ticket = await api(box.dataset.api + "uploads/", { method: "POST",
          body: JSON.stringify({ slot: slot.value, filename: file.name, content_type: type, size: file.size }) });
        await sendFile(ticket, file, (p) => { bar.value = Math.round(p * 100); status.textContent = T.sending + bar.value + "%"; });
        status.textContent = T.checking;
        await api(box.dataset.api + "uploads/" + ticket.upload_id + "/complete/", { method: "POST", body: "{}" });
        status.textContent = T.done;
        window.location.reload();
      } catch (e) {
        // A refused file: no full bar beside the error, only the reason in words.
        bar.value = 0; bar.hidden = true;
        status.textContent = T.failed + e.message;
        status.classList.add("field-error");
      } finally { button.disabled = false; }
    });
  }
  // "Delete" is offered only where the server allows it; a refusal (say the deadline passed
  // meanwhile) is said beside the button, not in an alert.
  document.querySelectorAll("[data-delete]").forEach((b) => b.addEventListener("click", async () => {
    const root = document.querySelector(".uploader");
    if (!root || !window.confirm(b.dataset.confirmDelete)) return;
    try { await api(root.dataset.api + "files/" + b.dataset.delete + "/", { method: "DELETE" }); window.location.reload(); }
    catch (e) {
      let note = b.nextElementSibling;
      if (!note || !note.classList.contains("field-error")) {
        note = document.createElement("p"); note.className = "field-error"; note.setAttribute("role", "alert");
        b.after(note);
      }
      note.textContent = e.message;
    }
  }));
})();
