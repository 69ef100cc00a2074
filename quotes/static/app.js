// quotes serve: small enhancements on top of pages that work without JavaScript.
// Copy buttons for citations, and speaker names suggested as you type (from /api/speakers).
"use strict";

function announce(text) {
  const status = document.getElementById("status");
  if (status) { status.textContent = ""; window.setTimeout(() => { status.textContent = text; }, 50); }
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back */ }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let done = false;
  try { done = document.execCommand("copy"); } catch (e) { done = false; }
  area.remove();
  return done;
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      const ok = await copyText(source.value);
      if (!ok) { source.focus(); source.select(); }
      button.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
      announce(ok ? "Citation copied" : "Select the citation and copy it");
      window.setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
}

function setUpSpeakerSuggestions() {
  const input = document.querySelector("input[data-suggest]");
  const list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list) return;
  let timer = 0;
  let asked = "";
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const typed = input.value.trim();
    if (typed.length < 2 || typed === asked) return;
    timer = window.setTimeout(async () => {
      asked = typed;
      try {
        const url = input.dataset.suggest + "?" + new URLSearchParams({prefix: typed, limit: "12"});
        const response = await fetch(url, {headers: {Accept: "application/json"}});
        if (!response.ok || input.value.trim() !== typed) return;
        const names = await response.json();
        list.replaceChildren(...names.map((item) => {
          const option = document.createElement("option");
          option.value = item.speaker;
          option.textContent = item.quotes + (item.quotes === 1 ? " quote" : " quotes");
          return option;
        }));
      } catch (e) { /* the server-rendered list stays */ }
    }, 150);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpCopyButtons();
  setUpSpeakerSuggestions();
});
