// Saving and opening dataset directories (format in dataset_format.h). Saving never damages
// what was there: the new generation becomes visible only when complete.
#pragma once

#include "dataset/dataset_format.h"

#include <future>
#include <string>

namespace pm::dataset {

// Writes a new generation into `dir` (created if missing) and makes it current. Returns "" on
// success, else a one-line message; on failure the previous dataset (if any) is untouched.
std::string saveDataset(const std::string& dir, DatasetContents& contents);

// The same, with tokens.bin's checksum computed by the caller (tokensFileHasher over exactly
// contents.tokens), e.g. on another thread while it assembled those tokens: the hash is
// byte-serial, and a dataset build would otherwise wait for it here. Joined on every path.
std::string saveDataset(const std::string& dir, DatasetContents& contents, std::future<ContentHash> tokensChecksum);

// Opens the current generation, checking format, version, sizes, checksum and that every token
// is inside the vocabulary. Returns "" or a one-line message saying what is wrong.
std::string loadDataset(const std::string& dir, DatasetContents* out);

// Only the manifest (fast; for `dataset info` and the GUI summary).
std::string loadManifest(const std::string& dir, Manifest* out);

// True when `dir` holds a dataset pointer file (it may still fail to load).
bool looksLikeDataset(const std::string& dir);

}  // namespace pm::dataset
