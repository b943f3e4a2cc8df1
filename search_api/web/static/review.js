// The review form by keyboard (Enter confirms or corrects, Esc skips) or by pointing: a click
// on a piece of the page's reading or on an other item takes it as the value (Shift adds the
// next piece), a box dragged on the page is read by the engine. The form then sends where the
// person pointed; the server takes the evidence from its own reading of that place.
(function () {
  const form = document.getElementById("review");
  if (!form) return;
  const input = document.getElementById("value");
  const skip = document.getElementById("skip");
  const from = document.getElementById("from");
  const f = form.elements;
  const HOW = { word: "页面文字", item: "其他项目", region: "框选识别" };
  let chosen = null;

  function point(how, page, box, text, extend) {
    if (extend && chosen && chosen.how === "word" && how === "word" && chosen.page === page) {
      box = [
        Math.min(box[0], chosen.box[0]), Math.min(box[1], chosen.box[1]),
        Math.max(box[2], chosen.box[2]), Math.max(box[3], chosen.box[3]),
      ];
      text = chosen.text + text;
    }
    chosen = { how: how, page: page, box: box, text: text };
    f.pointed_page.value = page;
    f.pointed_bbox.value = box.join(",");
    f.pointed_how.value = how;
    input.value = text;
    from.textContent = "取自第" + page + "页（" + HOW[how] + "）：“" + text + "”";
    document.querySelectorAll(".take.chosen").forEach((b) => b.classList.remove("chosen"));
    input.focus();
  }

  function forget() {
    chosen = null;
    f.pointed_page.value = f.pointed_bbox.value = f.pointed_how.value = "";
  }

  input.focus();
  input.select();
  // An emptied value is "not on the original": it points nowhere.
  input.addEventListener("input", () => { if (!input.value.trim()) forget(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      window.location = skip.href;
    }
  });

  let drew = false; // a drag ends with a click on whatever is under it: not a pick
  document.querySelectorAll(".take").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (drew) { drew = false; return; }
      const box = button.dataset.box.split(",").map(Number);
      point(button.dataset.how, Number(button.dataset.page), box, button.dataset.text, event.shiftKey);
      button.classList.add("chosen");
    });
  });

  document.querySelectorAll("[data-show]").forEach((tab) => {
    tab.addEventListener("click", () => {
      document.querySelectorAll("[data-frame]").forEach((frame) => {
        frame.hidden = frame.dataset.frame !== tab.dataset.show;
      });
      document.querySelectorAll("[data-show]").forEach((t) => t.classList.toggle("on", t === tab));
    });
  });

  // A point on the screen as pixels of the scan as scanned: the sheet is the scan turned
  // upright about its centre by CSS, so the point is turned back by as much.
  function onScan(sheet, event) {
    const frame = sheet.parentElement.getBoundingClientRect();
    const vx = event.clientX - (frame.left + frame.width / 2);
    const vy = event.clientY - (frame.top + frame.height / 2);
    const turn = (Number(sheet.dataset.rotation) * Math.PI) / 180;
    const lx = vx * Math.cos(turn) - vy * Math.sin(turn) + sheet.offsetWidth / 2;
    const ly = vx * Math.sin(turn) + vy * Math.cos(turn) + sheet.offsetHeight / 2;
    const scale = Number(sheet.dataset.width) / sheet.offsetWidth;
    return [lx * scale, ly * scale];
  }

  function boxOf(a, b, sheet) {
    const w = Number(sheet.dataset.width), h = Number(sheet.dataset.height);
    const clamp = (v, max) => Math.round(Math.min(max, Math.max(0, v)));
    return [
      clamp(Math.min(a[0], b[0]), w), clamp(Math.min(a[1], b[1]), h),
      clamp(Math.max(a[0], b[0]), w), clamp(Math.max(a[1], b[1]), h),
    ];
  }

  function show(drawn, box, sheet) {
    const w = Number(sheet.dataset.width), h = Number(sheet.dataset.height);
    drawn.style.left = (box[0] * 100) / w + "%";
    drawn.style.top = (box[1] * 100) / h + "%";
    drawn.style.width = ((box[2] - box[0]) * 100) / w + "%";
    drawn.style.height = ((box[3] - box[1]) * 100) / h + "%";
    drawn.hidden = false;
  }

  function read(sheet, box) {
    const body = new FormData();
    body.append("document_id", f.document_id.value);
    body.append("page", sheet.dataset.page);
    body.append("bbox", box.join(","));
    body.append("csrf", f.csrf.value);
    from.textContent = "正在识别所框区域……";
    fetch("/review/read", { method: "POST", body: body, credentials: "same-origin" })
      .then((r) => r.json().then((answer) => ({ ok: r.ok, answer: answer })))
      .then(({ ok, answer }) => {
        if (!ok) { from.textContent = answer.message || "识别失败"; return; }
        if (!answer.text) { from.textContent = "框内没有读出文字，请重新框选或直接输入"; return; }
        point("region", answer.page, answer.bbox, answer.text, false);
        from.textContent += "，置信度 " + Math.round(answer.confidence * 100) + "%";
      })
      .catch(() => { from.textContent = "无法连接服务器，请直接输入"; });
  }

  document.querySelectorAll(".sheet").forEach((sheet) => {
    const drawn = sheet.querySelector(".drawn");
    let start = null, startScreen = null, box = null;
    sheet.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      start = onScan(sheet, event);
      startScreen = [event.clientX, event.clientY];
      box = null;
    });
    const reset = () => { start = null; box = null; };
    sheet.addEventListener("pointercancel", reset);
    sheet.addEventListener("lostpointercapture", () => { if (!box) start = null; });
    sheet.addEventListener("pointermove", (event) => {
      if (!start) return;
      if (!(event.buttons & 1)) { reset(); return; } // released outside the page
      const moved = Math.hypot(event.clientX - startScreen[0], event.clientY - startScreen[1]);
      if (moved < 6 && !box) return;
      if (!box) sheet.setPointerCapture(event.pointerId);
      box = boxOf(start, onScan(sheet, event), sheet);
      show(drawn, box, sheet);
    });
    sheet.addEventListener("pointerup", () => {
      const drawnBox = box;
      start = null;
      box = null;
      if (drawnBox) {
        drew = true;
        setTimeout(() => { drew = false; }, 0);
        read(sheet, drawnBox);
      }
    });
  });
})();
