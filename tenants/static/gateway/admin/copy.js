// Copy buttons next to callback URLs and substitute links in the admin.
document.addEventListener("click", function (event) {
  const button = event.target.closest(".gw-copy");
  if (!button) return;
  const text = button.dataset.copy;
  const done = function () {
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  }
});
