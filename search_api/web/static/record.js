// Zoom of the page image; the boxes are positioned in percent, so they scale with it.
(function () {
  const sheet = document.getElementById("zoomed");
  if (!sheet) return;
  let zoom = 1;
  document.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const step = Number(button.dataset.zoom);
      zoom = step === 0 ? 1 : Math.min(4, Math.max(0.5, zoom * (step > 0 ? 1.25 : 0.8)));
      sheet.style.width = zoom * 100 + "%";
    });
  });
  // Pointing at a field lights its box on the page, and the other way round.
  document.querySelectorAll("tr[data-key]").forEach((row) => {
    const box = document.getElementById("box-" + row.dataset.key);
    if (!box) return;
    row.addEventListener("mouseenter", () => box.classList.add("lit"));
    row.addEventListener("mouseleave", () => box.classList.remove("lit"));
  });
})();
