// The base model that ships with PianoMuse (resources/models/, issue 9): what "Train" fine-tunes
// and "Generate" plays from when the user has not chosen another model.
#pragma once

#include <string>

namespace pm::model {

// File name inside the "models" resource folder.
inline constexpr const char* kBaseModelFileName = "pianomuse-base.safetensors";

// The bundled base model's path, or "" when this installation has none (e.g. a source build
// whose resources/models/ lacks it). Found through findResourceDir("models").
std::string bundledBaseModelPath();

}  // namespace pm::model
