// Fiches Repères: the map names the département under the pointer or the keyboard focus
// (the links already carry it for screen readers; this is for sighted visitors).
document.querySelectorAll(".france-map[data-caption]").forEach((map) => {
  const caption = document.getElementById(map.dataset.caption);
  const show = (event) => {
    const area = event.target.closest("a");
    if (area && caption) caption.textContent = area.getAttribute("aria-label");
  };
  map.addEventListener("focusin", show);
  map.addEventListener("mouseover", show);
});
