#include "dataset/copy_index.h"

#include "analysis/note_sequence_from_tokens.h"   // pm::analysis::noteSequenceFromTokens
#include "tokenizer/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>

namespace pm::dataset {

std::optional<analysis::OriginalityIndex> buildCopyIndex(const DatasetContents& c, std::string* error) {
    const tok::ConfigReadResult config = tok::configFromJson(c.manifest.tokenizer);
    if (!config.config) {
        if (error) *error = "the dataset's tokenizer config cannot be read: " + config.error;
        return std::nullopt;
    }
    const tok::Tokenizer tokenizer(*config.config);
    for (const PieceEntry& p : c.pieces)
        if (p.firstToken + p.tokenCount > c.tokens.size()) {   // loadDataset checks the tiling; a caller's contents may not be
            if (error) *error = "a piece lies outside the dataset's tokens";
            return std::nullopt;
        }
    // Decoding and each piece's share of the index are most of the work (~0.1 us a token): two
    // threads prepare half the pieces each, then they are added in order.
    const std::size_t half = c.pieces.size() / 2;
    const auto prepare = [&](std::size_t from, std::size_t to) {
        std::vector<analysis::OriginalityIndex::Builder::Piece> out;
        out.reserve(to - from);
        for (std::size_t i = from; i < to; ++i)
            out.push_back(analysis::OriginalityIndex::Builder::prepare(
                analysis::noteSequenceFromTokens(c.tokens.data() + c.pieces[i].firstToken, c.pieces[i].tokenCount, tokenizer)));
        return out;
    };
    std::future<std::vector<analysis::OriginalityIndex::Builder::Piece>> second =
        std::async(c.pieces.size() >= 64 ? std::launch::async : std::launch::deferred, prepare, half, c.pieces.size());
    const std::vector<analysis::OriginalityIndex::Builder::Piece> first = prepare(0, half);
    analysis::OriginalityIndex::Builder builder(tokenizer.config().positionsPerQuarter);
    for (const auto& p : first) builder.add(p);
    for (const auto& p : second.get()) builder.add(p);
    return builder.finish();
}

CopyIndexOpened openCopyIndex(const DatasetContents& c, bool trainingOnly) {
    CopyIndexOpened out;
    const tok::ConfigReadResult config = tok::configFromJson(c.manifest.tokenizer);
    if (!config.config) {
        out.error = "the dataset's tokenizer config cannot be read: " + config.error;
        return out;
    }
    // The stored index, when it was built from exactly these tokens (its source id is the
    // tokens' checksum) on this grid with these pieces.
    std::string why;
    if (!c.generationDir.empty()) {
        const std::filesystem::path file = std::filesystem::path(c.generationDir) / kCopyIndexFile;
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) {
            why = "this dataset has no copy index (" + std::string(kCopyIndexFile) +
                  "; saved by an older PianoMuse or without one)";
        } else if (const std::uintmax_t size = std::filesystem::file_size(file, ec);
                   ec || size > 32 * std::uintmax_t(c.tokens.size()) + (1u << 20)) {
            // An index holds at most a few dozen bytes per token (a note is 3 tokens or more): a
            // bigger file is not read at all.
            why = "the dataset's copy index cannot be used (" + (ec ? ec.message() : "implausibly large for its tokens") + ")";
        } else {
            std::string error, sourceId;
            std::optional<analysis::OriginalityIndex> stored = analysis::OriginalityIndex::load(file.string(), &error, &sourceId);
            if (!stored)
                why = "the dataset's copy index cannot be used (" + error + ")";
            else if (sourceId != c.manifest.tokensChecksum || stored->pieces() != c.pieces.size() ||
                     stored->stepsPerQuarter() != config.config->positionsPerQuarter)
                why = "the dataset's copy index belongs to other tokens";
            else
                out.index = std::move(stored);
        }
    } else {
        why = "the dataset has not been saved, so it has no copy index";
    }
    if (out.index) {
        out.stored = true;
    } else {
        const auto t0 = std::chrono::steady_clock::now();
        std::string error;
        out.index = buildCopyIndex(c, &error);
        if (!out.index) {
            out.error = error;
            return out;
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        char took[64];
        std::snprintf(took, sizeof took, "%.0f ms", ms);
        out.note = why + ": built it in memory from the tokens (" + std::to_string(c.pieces.size()) + " pieces, " + took +
                   "); rebuilding the dataset or adding files to it stores one";
    }

    std::vector<std::string> names(c.pieces.size());
    for (const FileReport& f : c.manifest.files)
        if (f.piece >= 0 && std::size_t(f.piece) < names.size()) names[std::size_t(f.piece)] = f.path;
    out.index->setSources(std::move(names));
    if (trainingOnly) {
        std::vector<bool> included(c.pieces.size());
        for (std::size_t p = 0; p < c.pieces.size(); ++p) included[p] = c.pieces[p].split == Split::Train;
        out.index->setIncluded(std::move(included));
    }
    return out;
}

}  // namespace pm::dataset
