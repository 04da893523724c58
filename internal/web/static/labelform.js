// The label form's live price. As a label's weight, size or value to insure changes, or the
// form's service or destination, the server is asked what that label would cost
// (GET /labels/price) and the answer shown where "Check price" shows it. The form works the same
// without this script: "Check price" posts it and the page comes back priced.
"use strict";
(function () {
  const form = document.querySelector("form.labelform");
  if (!form) {
    return;
  }
  const priced = ["weight", "l", "w", "h", "insure"];
  const timers = new WeakMap();
  const asked = new WeakMap();

  function value(name) {
    const el = form.elements.namedItem(name);
    return el ? el.value.trim() : "";
  }

  async function price(block) {
    const i = block.dataset.block;
    const out = block.querySelector(".price-now");
    const q = new URLSearchParams({ service: value("service"), country: value("country") });
    for (const k of priced) {
      q.set(k, value("r" + i + "_" + k));
    }
    if (!q.get("weight")) {
      out.textContent = "";
      return;
    }
    const n = (asked.get(block) || 0) + 1;
    asked.set(block, n);
    let answer;
    try {
      const res = await fetch("/labels/price?" + q, { headers: { Accept: "application/json" } });
      if (!res.ok) {
        return;
      }
      answer = await res.json();
    } catch (e) {
      return; // offline or the server away: "Check price" still works
    }
    if (asked.get(block) !== n) {
      return; // a newer question was asked meanwhile
    }
    out.textContent = "";
    const at = answer.price ? answer.text.indexOf(answer.price) : -1;
    if (at < 0) {
      out.textContent = answer.text;
      return;
    }
    const strong = document.createElement("strong");
    strong.textContent = answer.price;
    out.append(answer.text.slice(0, at), strong, answer.text.slice(at + answer.price.length));
  }

  function soon(block) {
    clearTimeout(timers.get(block));
    timers.set(block, setTimeout(() => price(block), 250));
  }

  function changed(e) {
    const name = e.target.name || "";
    if (name === "service" || name === "country") {
      form.querySelectorAll("section.block").forEach(soon);
      return;
    }
    const m = /^r\d+_(\w+)$/.exec(name);
    if (m && priced.includes(m[1])) {
      soon(e.target.closest("section.block"));
    }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.querySelectorAll("section.block").forEach((block) => {
    if (value("r" + block.dataset.block + "_weight")) {
      price(block);
    }
  });
})();
