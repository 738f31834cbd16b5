// Staff check-in: scan a participant's QR with the camera where the browser offers
// BarcodeDetector; otherwise the code is typed. Everything stays on this device.
(function () {
  "use strict";
  var button = document.getElementById("scan-button");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var form = document.getElementById("checkin-form");
  var input = document.getElementById("id_code");
  // Status texts come translated from the template (data-msg-*).
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var stream = null;
  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
  }
  function tick() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        input.value = codes[0].rawValue;
        status.textContent = status.getAttribute("data-msg-found");
        stop();
        form.requestSubmit(form.querySelector("button[name=check_in]"));
      } else {
        window.requestAnimationFrame(tick);
      }
    }).catch(function () { window.requestAnimationFrame(tick); });
  }
  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      status.textContent = status.getAttribute("data-msg-aim");
      return video.play();
    }).then(tick).catch(function () {
      status.textContent = status.getAttribute("data-msg-no-camera");
      stop();
    });
  });
})();
