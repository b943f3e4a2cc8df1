// The page's print button: a script from /static, as the content security policy allows,
// where a javascript: link would be refused.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
