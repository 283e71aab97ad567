// Click the image preview to set the focal point: crops keep that point in view.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var frame = document.querySelector("[data-focal-preview]");
  var fieldX = document.getElementById("id_focal_x");
  var fieldY = document.getElementById("id_focal_y");
  if (!frame || !fieldX || !fieldY) {
    return;
  }
  var marker = frame.querySelector("[data-focal-marker]");
  frame.style.cursor = "crosshair";
  frame.addEventListener("click", function (event) {
    var box = frame.getBoundingClientRect();
    var x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    var y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    fieldX.value = x.toFixed(3);
    fieldY.value = y.toFixed(3);
    marker.style.left = (x * 100).toFixed(1) + "%";
    marker.style.top = (y * 100).toFixed(1) + "%";
  });
});
