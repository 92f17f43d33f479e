#!/usr/bin/python3
"""Writes the hand-crafted MIDI files in crafted/ byte by byte (no MIDI library), each aimed at
one rule of the reader, then their golden summaries from the independent oracle:

    tests/data/midi/make_crafted.py          # from anywhere; needs /usr/bin/python3 + python3-mido

Every crafted file here is valid for mido, so its golden JSON is mido's reading of it. Files
mido cannot read (RIFF, damage) are built inside the C++ tests instead, where the test states
the expected result and why it differs from mido.
"""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'tools', 'midi_oracle.py')


def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def track(*events):
    """events: (delta, bytes) pairs; end-of-track is appended."""
    body = b''.join(vlq(d) + bytes(e) for d, e in events) + b'\x00\xff\x2f\x00'
    return b'MTrk' + struct.pack('>I', len(body)) + body


def smf(fmt, division, *tracks, ntracks=None):
    n = len(tracks) if ntracks is None else ntracks
    return b'MThd' + struct.pack('>IHHH', 6, fmt, n, division) + b''.join(tracks)


def tempo(us):
    return [0xFF, 0x51, 3, us >> 16, (us >> 8) & 0xFF, us & 0xFF]


def name(text):
    data = text.encode('latin-1')
    return [0xFF, 0x03, len(data)] + list(data)


FILES = {
    # FIFO pairing of overlapping notes of one key, a zero-length note, velocity-0 and 0x80
    # note-offs, an orphan note-off, a note left open, running status carried across a meta
    # event, sustain pedal, program changes, a Latin-1 track name, and the tempo living in
    # track 1 (formats 0/1 merge the tempo map of all tracks).
    'pairing_rules.mid': smf(1, 96,
        track((0, name('Conductor')), (0, [0xFF, 0x58, 4, 3, 3, 24, 8]), (0, [0xFF, 0x59, 2, 0xFD, 1])),
        track((0, name('Pi\xe1no')),
              (0, tempo(400000)),
              (0, [0xC0, 5]),
              (0, [0x90, 60, 100]),        # A opens
              (10, [60, 90]),              # B opens (running status), same key
              (10, [0x80, 60, 0]),         # closes A (FIFO: the earliest)
              (0, [0xFF, 0x01, 2, 0x41, 0x42]),   # a text event between running-status events
              (5, [0x90, 60, 0]),          # running status after meta: velocity 0 closes B
              (0, [64, 70]),               # zero-length note: on ...
              (0, [64, 0]),                # ... and off at the same tick
              (3, [0xB0, 64, 127]),        # pedal down
              (0, [0x80, 72, 0]),          # orphan note-off: nothing open on 72
              (20, [0x90, 67, 80]),        # left open: an unclosed note
              (0, tempo(600000)),          # two tempo events at one tick: the last wins
              (0, tempo(300000)),
              (4, [0xB0, 64, 0]),          # pedal up
              (0, [0xC1, 7]),
              (0, [0x91, 48, 50]),
              (50, [0x81, 48, 64]))),

    # SMPTE division: 25 frames per second, 40 ticks per frame (1 ms ticks); tempo is ignored.
    'smpte_25fps.mid': smf(0, 0xE728,
        track((0, tempo(1000000)), (0, [0x90, 60, 100]), (1000, [0x80, 60, 0]),
              (500, [0x90, 62, 90]), (250, [0x90, 62, 0]))),

    # Format 2: independent sequences, each with its own tempo map.
    'format2_tempo_per_track.mid': smf(2, 480,
        track((0, tempo(1000000)), (0, [0x90, 60, 100]), (480, [0x80, 60, 0])),
        track((0, [0x90, 64, 100]), (480, [0x80, 64, 0]), (0, tempo(250000)), (480, [0x90, 65, 1]),
              (480, [0x80, 65, 0]))),

    # Absolute times past 2^32 ticks: many maximal (4-byte) delta times.
    'huge_deltas.mid': smf(0, 480,
        track(*([(0, [0x90, 60, 100])] + [(0x0FFFFFFF, [0xFF, 0x01, 0])] * 20 +
                [(0x0FFFFFFF, [0x80, 60, 0]), (1, [0x90, 61, 1]), (0, [0x80, 61, 0])]))),

    # Sysex: a complete message, one split into F0 + F7 packets, and an F7 escape.
    'sysex_packets.mid': smf(0, 480,
        track((0, [0xF0, 5, 0x7E, 0x7F, 0x09, 0x01, 0xF7]),
              (0, [0xF0, 3, 0x43, 0x12, 0x00]),
              (10, [0xF7, 3, 0x43, 0x12, 0xF7]),
              (0, [0xF7, 2, 0x01, 0x02]),
              (0, [0x90, 60, 100]), (100, [0x80, 60, 0]))),
}


def main():
    out_dir = os.path.join(HERE, 'crafted')
    golden_dir = os.path.join(HERE, 'golden')
    os.makedirs(out_dir, exist_ok=True)
    for fname, data in FILES.items():
        with open(os.path.join(out_dir, fname), 'wb') as fh:
            fh.write(data)
    # Golden summaries of every committed file, crafted and real, from the oracle.
    for sub in ('crafted', 'real'):
        for fname in sorted(os.listdir(os.path.join(HERE, sub))):
            path = os.path.join(sub, fname)
            res = subprocess.run(['/usr/bin/python3', ORACLE, '--seconds', path], cwd=HERE,
                                 capture_output=True, text=True)
            if res.returncode != 0:
                sys.exit('oracle failed on %s: %s%s' % (path, res.stdout, res.stderr))
            with open(os.path.join(golden_dir, fname + '.json'), 'w') as fh:
                fh.write(res.stdout)
    print('wrote %d crafted files and golden JSON in %s' % (len(FILES), golden_dir))


if __name__ == '__main__':
    main()
