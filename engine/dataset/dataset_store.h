// Saving and opening dataset directories (format in dataset_format.h). Saving never damages
// what was there: the new generation becomes visible only when complete.
#pragma once

#include "dataset/dataset_format.h"

#include <string>

namespace pm::dataset {

// Writes a new generation into `dir` (created if missing) and makes it current. Returns "" on
// success, else a one-line message; on failure the previous dataset (if any) is untouched.
std::string saveDataset(const std::string& dir, DatasetContents& contents);

// Opens the current generation, checking format, version, sizes, checksum and that every token
// is inside the vocabulary. Returns "" or a one-line message saying what is wrong.
std::string loadDataset(const std::string& dir, DatasetContents* out);

// Only the manifest (fast; for `dataset info` and the GUI summary).
std::string loadManifest(const std::string& dir, Manifest* out);

// True when `dir` holds a dataset pointer file (it may still fail to load).
bool looksLikeDataset(const std::string& dir);

}  // namespace pm::dataset
