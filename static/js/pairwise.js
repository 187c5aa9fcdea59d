// The comparison page, for the browser: choose with a tap or the ← / → keys; the choice is saved
// at once through the API (POST /api/v1/judging/comparisons/{id}/) and the next pair appears
// at once — its images came with the page, in hidden <img> elements that are moved into place
// (the images are served no-store, so a new <img> would fetch them again) — while the pair
// after it is fetched and loaded in the background. A double tap sends one request (and the
// server answers a repeated decision with the same result anyway). Without this script every
// choice is a plain form post (judging.pairwise_views) and the page reloads.
(function () {
  "use strict";
  const section = document.getElementById("pair");
  if (!section) return;
  const texts = JSON.parse(document.getElementById("pair-texts").textContent);
  const form = document.getElementById("pair-form");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const saved = document.getElementById("pair-saved");
  const error = document.getElementById("pair-error");
  const progress = document.getElementById("pair-progress");
  const reliability = document.getElementById("pair-reliability");
  const recuse = document.getElementById("recuse-form");
  const zoom = document.getElementById("pair-zoom");
  const zoomImage = document.getElementById("pair-zoom-image");
  const SIDES = ["left", "right"];
  let current = Number(section.dataset.pair);
  let next = fromHolder();
  let busy = false;
  let generation = 0; // a refresh answered after a newer choice is ignored

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  // The next pair rendered by the server, hidden, with its images already loading.
  function fromHolder() {
    const holder = document.getElementById("pair-next");
    if (!holder) return null;
    const pair = { id: Number(holder.dataset.pair) };
    holder.querySelectorAll("[data-side]").forEach((div) => {
      pair[div.dataset.side] = {
        code: div.dataset.code,
        title: div.dataset.title,
        url: div.dataset.url,
        img: div.querySelector("img"),
      };
    });
    return pair;
  }

  // A pair from the API, its images loading now in hidden elements.
  function preload(data) {
    let holder = document.getElementById("pair-next");
    if (!holder) {
      holder = document.createElement("div");
      holder.id = "pair-next";
      holder.hidden = true;
      section.after(holder);
    }
    holder.replaceChildren();
    if (!data) return null;
    const pair = { id: data.id };
    SIDES.forEach((side) => {
      const s = data[side];
      let img = null;
      if (s.image_url) {
        img = new Image();
        img.alt = "";
        img.src = s.image_url;
        holder.appendChild(img);
      }
      pair[side] = { code: s.code, title: s.title, url: s.image_url || "", img: img };
    });
    return pair;
  }

  function show(pair) {
    current = pair.id;
    section.dataset.pair = String(pair.id);
    form.action = section.dataset.decideUrl.replace("/0/", "/" + pair.id + "/");
    recuse.action = section.dataset.recuseUrl.replace("/0/", "/" + pair.id + "/");
    recuse.reset();
    SIDES.forEach((side) => {
      const s = pair[side];
      const box = section.querySelector('.pair-side[data-side="' + side + '"]');
      box.querySelector('[data-field="code"]').textContent = s.code;
      box.querySelector('[data-field="title"]').textContent = s.title;
      recuse.querySelector('[data-field="' + side + '-code"]').textContent = s.code;
      const old = box.querySelector(".pair-figure > a, .pair-figure > .pair-missing");
      let node;
      if (s.url) {
        node = document.createElement("a");
        node.href = s.url;
        node.target = "_blank";
        node.rel = "noopener";
        node.className = "pair-zoom";
        node.dataset.zoom = "";
        node.setAttribute("aria-haspopup", "dialog");
        const img = s.img || new Image();
        if (!s.img) img.src = s.url;
        img.alt = fill(texts["alt_" + side], { code: s.code });
        img.dataset.field = "image";
        node.appendChild(img);
      } else {
        node = document.createElement("p");
        node.className = "pair-missing";
        node.textContent = texts.missing;
      }
      old.replaceWith(node);
    });
  }

  function status(data) {
    const p = data.progress;
    const strong = document.createElement("strong");
    strong.textContent = fill(p.today === 1 ? texts.today_one : texts.today_many, { today: p.today });
    progress.replaceChildren(strong, " · " + fill(texts.total, { total: p.total }));
    const r = data.reliability;
    const parts = [
      r.ssr === null
        ? texts.ssr_none
        : r.ssr < 0
          ? fill(texts.ssr_low, { decisions: r.decisions })
          : fill(texts.ssr, { ssr: r.ssr.toFixed(2), decisions: r.decisions }),
    ];
    reliability.replaceChildren(parts[0]);
    if (r.complete) {
      const done = document.createElement("span");
      done.className = "ok";
      done.textContent = texts.complete;
      reliability.append(" · ", done);
    }
  }

  function release() {
    busy = false;
    section.classList.remove("busy");
    section.removeAttribute("aria-busy");
  }

  function fail(message) {
    saved.textContent = "";
    error.textContent = message;
    release();
  }

  // Fetch the pair after the one on screen (and the progress); data-next says when it is in.
  async function refresh() {
    const mine = generation;
    section.dataset.next = "loading";
    let data;
    try {
      const response = await fetch(section.dataset.apiPair, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = response.ok ? await response.json() : null;
    } catch (e) {
      data = null; // the next choice reloads the page
    }
    if (mine !== generation) return;
    section.dataset.next = "ready";
    if (!data) return;
    status(data);
    if (!data.comparison) {
      window.location.reload();
      return;
    }
    if (data.comparison.id !== current) show(preload(data.comparison));
    next = preload(data.upcoming);
  }

  async function choose(choice) {
    if (busy) return;
    busy = true;
    generation += 1;
    section.classList.add("busy");
    section.setAttribute("aria-busy", "true");
    error.textContent = "";
    saved.textContent = texts.saving;
    const body = choice === "skip" ? { winner: null, skip: true } : { winner: choice };
    let response;
    try {
      response = await fetch(section.dataset.apiDecide + current + "/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
    } catch (e) {
      fail(texts.failed);
      return;
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      if (response.status === 409 || response.status === 404) {
        window.location.reload(); // decided elsewhere, or the pair was withdrawn: ask again
        return;
      }
      fail(data.message || texts.failed);
      return;
    }
    const shown = next;
    next = null;
    if (!shown) {
      window.location.reload(); // nothing prepared: the server says what comes next
      return;
    }
    show(shown);
    saved.textContent = fill(texts["saved_" + choice], { left: shown.left.code, right: shown.right.code });
    release();
    refresh();
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || !button.dataset.choice) return;
    event.preventDefault();
    choose(button.dataset.choice);
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (zoom.open) return;
    const target = event.target;
    if (target.closest && target.closest("#recuse-form, input, textarea, select, [contenteditable]")) return;
    if (event.key === "ArrowLeft") {
      event.preventDefault();
      choose("left");
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      choose("right");
    }
  });

  // A drawing opens full size in a modal dialog (Esc, the button or the backdrop closes it);
  // without JS the link opens the image in a new tab.
  section.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-zoom]");
    if (!link || typeof zoom.showModal !== "function") return;
    event.preventDefault();
    const img = link.querySelector("img");
    zoomImage.src = link.href;
    zoomImage.alt = img ? img.alt : "";
    zoom.showModal();
  });
  zoom.addEventListener("click", (event) => {
    if (event.target === zoom) zoom.close();
  });
})();
