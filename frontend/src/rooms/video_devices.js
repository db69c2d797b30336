// Video in the live room: cameras, microphones and the preview.
// Its functions share video.js's state and helpers through `ctx`.

import { fmt } from "../core/i18n.js";

export function createDevices(ctx) {
  const { v, t, client, $ } = ctx;

  function constraints(kind) {
    const select = $(kind === "video" ? "video-camera" : "video-microphone");
    return select.value ? { deviceId: { exact: select.value } } : true;
  }

  async function acquire() {
    try {
      return await navigator.mediaDevices.getUserMedia({
        audio: constraints("audio"),
        video: constraints("video"),
      });
    } catch (error) {
      if (error.name !== "NotFoundError" && error.name !== "OverconstrainedError") throw error;
      // No camera (or it went away): join with the microphone alone.
      return navigator.mediaDevices.getUserMedia({ audio: constraints("audio") });
    }
  }

  async function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (select, kind, fallback) => {
      const chosen = select.value || currentDeviceId(kind === "videoinput" ? "video" : "audio");
      const options = devices
        .filter((d) => d.kind === kind && d.deviceId)
        .map((device, index) => {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || fmt(fallback, { number: index + 1 });
          return option;
        });
      select.replaceChildren(...options);
      if (chosen && options.some((o) => o.value === chosen)) select.value = chosen;
      select.disabled = options.length === 0;
    };
    fill($("video-camera"), "videoinput", t.video_camera_n);
    fill($("video-microphone"), "audioinput", t.video_microphone_n);
  }

  function currentDeviceId(kind) {
    const track = v.local && v.local.getTracks().find((tr) => tr.kind === kind);
    return track ? track.getSettings().deviceId : "";
  }

  async function startPreview() {
    ctx.alertVideo("");
    if (!v.local) v.local = await acquire();
    if (v.cameraOff) for (const track of v.local.getVideoTracks()) stopTrack(track);
    ctx.setMicEnabled();
    const preview = $("video-preview");
    preview.srcObject = v.local;
    preview.hidden = false;
    ctx.ensureAudioContext();
    ctx.meter("self", v.local);
    await listDevices();
    ctx.render();
  }

  function stopPreview() {
    const preview = $("video-preview");
    preview.srcObject = null;
    preview.hidden = true;
    if (!v.mode || v.mode === "follow") releaseLocal();
    ctx.render();
  }

  function releaseLocal() {
    if (v.local) for (const track of v.local.getTracks()) stopTrack(track);
    v.local = null;
    ctx.unmeter("self");
  }

  function stopTrack(track) {
    track.stop();
    if (v.local) v.local.removeTrack(track);
  }

  async function switchDevice(kind) {
    if (!v.local || (kind === "video" && (v.cameraOff || v.screen))) return;
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind) });
      const [track] = fresh.getTracks();
      for (const old of v.local.getTracks().filter((tr) => tr.kind === kind)) stopTrack(old);
      v.local.addTrack(track);
      if (kind === "audio") {
        ctx.setMicEnabled();
        ctx.meter("self", v.local);
        if (v.audioSender) await v.audioSender.replaceTrack(track);
      } else if (v.videoSender) await v.videoSender.replaceTrack(track);
      ctx.refreshSelf();
    } catch (error) {
      ctx.mediaError(error);
    }
  }

  return { constraints, acquire, listDevices, currentDeviceId, startPreview, stopPreview, releaseLocal, stopTrack, switchDevice };
}
