// The picture library's focal point: a click on the preview sets focal_x/focal_y (0..1), which
// the card crop keeps in view. Without JavaScript the two fields are typed in.
document.addEventListener("click", (event) => {
  const picker = event.target.closest(".focal-picker");
  if (!picker) return;
  const box = picker.querySelector("img").getBoundingClientRect();
  const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
  const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
  const fx = document.getElementById("id_focal_x");
  const fy = document.getElementById("id_focal_y");
  if (!fx || !fy) return;
  fx.value = x.toFixed(3);
  fy.value = y.toFixed(3);
  const mark = picker.querySelector(".focal-picker__mark");
  mark.style.left = `${x * 100}%`;
  mark.style.top = `${y * 100}%`;
});
