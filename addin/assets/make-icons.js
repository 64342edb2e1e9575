#!/usr/bin/env node
/**
 * Draws the add-in's icons (a ledger page under a magnifier on Office blue) as PNGs with no
 * dependencies: node:zlib + a hand-written PNG encoder. Re-run after changing the drawing:
 *   node addin/assets/make-icons.js
 * Writes icon-16.png, icon-32.png, icon-64.png, icon-80.png beside this file.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZES = [16, 32, 64, 80];
const SUPERSAMPLE = 4;

const BLUE = [15, 108, 189, 255];
const WHITE = [255, 255, 255, 255];
const LINE = [96, 140, 190, 255];
const AMBER = [255, 185, 0, 255];

function insideRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distanceToSegment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Colour at a point of the unit square (null = transparent). */
function paint(x, y) {
  let color = null;
  if (insideRoundedRect(x, y, 0.02, 0.02, 0.98, 0.98, 0.18)) color = BLUE;
  if (insideRoundedRect(x, y, 0.2, 0.14, 0.66, 0.84, 0.04)) color = WHITE;
  for (const ly of [0.3, 0.43, 0.56]) if (x >= 0.28 && x <= 0.58 && Math.abs(y - ly) <= 0.035) color = LINE;
  const d = Math.hypot(x - 0.64, y - 0.64);
  if (d <= 0.15) color = WHITE;
  if (Math.abs(d - 0.15) <= 0.045) color = AMBER;
  if (distanceToSegment(x, y, 0.75, 0.75, 0.88, 0.88) <= 0.055) color = AMBER;
  return color;
}

function render(size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const c = paint((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size);
          if (!c) continue;
          for (let k = 0; k < 3; k++) sum[k] += c[k] * c[3];
          sum[3] += c[3];
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const o = (py * size + px) * 4;
      const alpha = sum[3] / n;
      for (let k = 0; k < 3; k++) pixels[o + k] = sum[3] ? Math.round(sum[k] / sum[3]) : 0;
      pixels[o + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of SIZES) {
  const file = path.join(__dirname, `icon-${size}.png`);
  fs.writeFileSync(file, encodePng(size, render(size)));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
