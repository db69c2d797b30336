// Video in the live room: the tiles, the speaking indicator and the active speaker.
// Its functions share video.js's state and helpers through `ctx`.

import { button } from "../core/buttons.js";
import { fmt } from "../core/i18n.js";

const LEVEL_INTERVAL_MS = 250; // the speaking indicator is measured four times a second
const SPEAKING_LEVEL = 0.015; // RMS of the waveform above which someone is speaking
const SPEAKING_HOLD_MS = 900; // stays "speaking" that long after the last loud sample
const ACTIVE_SPEAKER_HOLD_MS = 1500; // the speaker view does not jump between people faster

export function createTiles(ctx) {
  const { v, t, client, $ } = ctx;

  function ownerOf(stream) {
    const ids = new Set(stream.getTracks().map((track) => track.id));
    return (
      v.tracks.find((entry) => entry.stream_id === stream.id) ||
      v.tracks.find((entry) => ids.has(entry.track_id)) ||
      null
    );
  }

  function isMuted(userId, kind) {
    const entries = v.tracks.filter((e) => e.user_id === userId && e.kind === kind);
    return entries.length === 0 || entries.every((e) => e.muted);
  }

  function mergeTracks(known, more) {
    const ids = new Set(known.map((entry) => entry.track_id));
    return [...known, ...more.filter((entry) => !ids.has(entry.track_id))];
  }

  function renderTiles() {
    const wanted = new Map();
    if (ctx.publishing() && v.me) {
      wanted.set("self", {
        stream: v.screen ? v.screenStream : v.local,
        userId: v.me.id,
        name: v.me.name,
        self: true,
        micOff: v.micMuted,
        cameraOff: !v.screen && (v.cameraOff || !v.local || v.local.getVideoTracks().length === 0),
      });
    }
    for (const [id, stream] of v.remote) {
      if (!stream.getTracks().some((track) => track.readyState === "live")) continue;
      const owner = ownerOf(stream);
      wanted.set(id, {
        stream,
        userId: owner ? owner.user_id : null,
        name: owner ? owner.name : t.video_someone,
        self: false,
        micOff: owner ? isMuted(owner.user_id, "audio") : false,
        cameraOff: owner ? isMuted(owner.user_id, "video") : false,
      });
    }
    for (const [key, tile] of v.tiles) {
      if (!wanted.has(key)) {
        tile.video.srcObject = null;
        tile.item.remove();
        v.tiles.delete(key);
      }
    }
    const list = $("video-tiles");
    for (const [key, info] of wanted) {
      let tile = v.tiles.get(key);
      if (!tile) {
        tile = makeTile(key);
        v.tiles.set(key, tile);
        list.append(tile.item);
      }
      updateTile(tile, info);
    }
    list.hidden = v.tiles.size === 0;
    chooseActive();
  }

  function makeTile(key) {
    const item = document.createElement("li");
    item.className = "tile";
    item.dataset.key = key;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("p");
    caption.className = "tile-caption";
    const name = document.createElement("span");
    name.className = "tile-name";
    const state = document.createElement("span");
    state.className = "tile-state";
    caption.append(name, " ", state);
    const actions = document.createElement("div");
    actions.className = "tile-actions";
    item.append(video, caption, actions);
    return { item, video, name, state, actions, key };
  }

  function updateTile(tile, info) {
    const { item, video } = tile;
    if (video.srcObject !== info.stream) {
      video.srcObject = info.stream;
      video.play().catch(() => {});
    }
    video.muted = info.self; // never play one's own microphone back
    item.classList.toggle("self", info.self);
    item.classList.toggle("camera-off", info.cameraOff);
    item.dataset.userId = info.userId ?? "";
    const label = info.self ? `${info.name} ${t.you}` : info.name;
    video.setAttribute("aria-label", fmt(t.video_of, { name: label }));
    tile.name.textContent = label;
    const states = [];
    if (info.micOff) states.push(t.video_mic_off);
    if (info.cameraOff) states.push(t.video_camera_off);
    if (item.classList.contains("speaking")) states.push(t.video_speaking);
    tile.state.textContent = states.length ? `(${states.join(", ")})` : "";
    tile.info = info;
    renderTileActions(tile, info);
  }

  function renderTileActions(tile, info) {
    const buttons = [];
    if (ctx.canModerate() && !info.self && info.userId !== null) {
      const who = { name: info.name };
      const mute = button(fmt(t.video_mute_person, who), () =>
        client.send("rooms.mute_media", { user_id: info.userId, kind: "audio" }).catch(ctx.failed),
      );
      mute.disabled = info.micOff;
      const camera = button(fmt(t.video_stop_camera_of, who), () =>
        client.send("rooms.mute_media", { user_id: info.userId, kind: "video" }).catch(ctx.failed),
      );
      camera.disabled = info.cameraOff;
      buttons.push(mute, camera);
    }
    const same =
      buttons.length === tile.actions.children.length &&
      buttons.every((b, i) => b.textContent === tile.actions.children[i].textContent && b.disabled === tile.actions.children[i].disabled);
    if (!same) {
      const hadFocus = tile.actions.contains(document.activeElement);
      tile.actions.replaceChildren(...buttons);
      if (hadFocus) (buttons.find((b) => !b.disabled) || $("video-heading")).focus();
    }
  }

  function refreshSelf() {
    renderTiles();
  }

  function ensureAudioContext() {
    if (!window.AudioContext) return;
    if (!v.audioContext) v.audioContext = new AudioContext();
    if (v.audioContext.state === "suspended") v.audioContext.resume().catch(() => {});
    if (!v.levelTimer) v.levelTimer = setInterval(measureLevels, LEVEL_INTERVAL_MS);
  }

  function meter(key, stream) {
    if (!v.audioContext) return;
    const [track] = stream.getAudioTracks();
    const current = v.meters.get(key);
    if (!track || (current && current.track === track)) return;
    unmeter(key);
    const source = v.audioContext.createMediaStreamSource(new MediaStream([track]));
    const analyser = v.audioContext.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser); // not to the destination: the tile's <video> plays the sound
    v.meters.set(key, { source, analyser, track, speakingUntil: 0, samples: new Float32Array(analyser.fftSize) });
  }

  function unmeter(key) {
    const current = v.meters.get(key);
    if (!current) return;
    current.source.disconnect();
    v.meters.delete(key);
  }

  function measureLevels() {
    const now = performance.now();
    for (const [key, m] of v.meters) {
      m.analyser.getFloatTimeDomainData(m.samples);
      let sum = 0;
      for (const sample of m.samples) sum += sample * sample;
      const level = Math.sqrt(sum / m.samples.length);
      const muted = key === "self" ? v.micMuted : m.track.muted;
      if (level > SPEAKING_LEVEL && !muted) m.speakingUntil = now + SPEAKING_HOLD_MS;
      m.level = level;
      const tile = v.tiles.get(key);
      const speaking = m.speakingUntil > now;
      if (tile && tile.item.classList.contains("speaking") !== speaking) {
        tile.item.classList.toggle("speaking", speaking);
        if (tile.info) updateTile(tile, tile.info);
      }
    }
    chooseActive();
  }

  function chooseActive() {
    const now = performance.now();
    const loudest = [...v.meters.entries()]
      .filter(([key, m]) => key !== "self" && m.speakingUntil > now && v.tiles.has(key))
      .sort((a, b) => b[1].level - a[1].level)[0];
    const keep = v.active && v.tiles.has(v.active) && now - v.activeSince < ACTIVE_SPEAKER_HOLD_MS;
    if (loudest && loudest[0] !== v.active && !keep) {
      v.active = loudest[0];
      v.activeSince = now;
    }
    if (!v.active || !v.tiles.has(v.active)) {
      v.active = [...v.tiles.keys()].find((key) => key !== "self") || [...v.tiles.keys()][0] || null;
      v.activeSince = now;
    }
    for (const [key, tile] of v.tiles) tile.item.classList.toggle("active", key === v.active);
  }

  return { ownerOf, isMuted, mergeTracks, renderTiles, makeTile, updateTile, renderTileActions, refreshSelf, ensureAudioContext, meter, unmeter, measureLevels, chooseActive };
}
