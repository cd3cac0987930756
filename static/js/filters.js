// Progressive enhancement of the filter form: a ticked or unticked box applies at once.
// The form says so first (WCAG 3.2.2); selects still wait for the button, so that moving
// through their options with the keyboard never reloads the page.
(function () {
  "use strict";
  var form = document.getElementById("filtres");
  if (!form) { return; }
  var hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "Chaque case cochée ou décochée met la liste à jour aussitôt.";
  form.insertBefore(hint, form.firstChild);
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") {
      form.submit();
    }
  });
})();
