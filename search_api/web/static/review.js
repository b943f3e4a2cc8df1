// Keyboard only: Enter confirms or corrects (the form's own submit), Esc skips.
(function () {
  const input = document.getElementById("value");
  const skip = document.getElementById("skip");
  input.focus();
  input.select();
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      window.location = skip.href;
    }
  });
})();
