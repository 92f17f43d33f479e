#include "model/base_model.h"

#include "core/resource_paths.h"

#include <filesystem>
#include <system_error>

namespace pm::model {

std::string bundledBaseModelPath() {
    const std::string dir = pm::findResourceDir("models");
    if (dir.empty()) return "";
    const std::filesystem::path p = std::filesystem::path(dir) / kBaseModelFileName;
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) ? p.string() : std::string();
}

}  // namespace pm::model
