#include "report/model_report.h"

#include "analysis/note_sequence_from_tokens.h"
#include "dataset/copy_index.h"
#include "dataset/dataset_store.h"
#include "generate/generator.h"
#include "tokenizer/tokenizer.h"
#include "train/batcher.h"
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <random>
#include <sstream>

namespace pm::report {

using pm::tok::TokenId;
using pm::tok::TokenKind;

namespace {

std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string fileName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// Bars [first, first + count) of a sequence, re-based to start at step 0: what a continuation's
// metrics look at. Notes sounding into the range from before it (a chord held over the seam) are
// not the continuation's own; notes running past its end are cut there.
pm::analysis::NoteSequence sliceBars(const pm::analysis::NoteSequence& seq, std::size_t first, std::size_t count) {
    pm::analysis::NoteSequence out;
    out.stepsPerQuarter = seq.stepsPerQuarter;
    if (first >= seq.barStarts.size()) return out;
    const std::size_t last = std::min(seq.barStarts.size(), first + count);   // exclusive
    const std::int64_t from = seq.barStarts[first];
    const std::int64_t to = last < seq.barStarts.size() ? seq.barStarts[last] : seq.end;
    for (std::size_t b = first; b < last; ++b) out.barStarts.push_back(seq.barStarts[b] - from);
    out.end = to - from;
    for (const pm::analysis::Note& n : seq.notes) {
        if (n.onset < from || n.onset >= to) continue;
        pm::analysis::Note m = n;
        m.onset -= from;
        m.duration = std::min(n.duration, to - n.onset);
        out.notes.push_back(m);
    }
    return out;
}

// Index of the k-th Bar token (0-based) in `tokens`, or tokens.size() when there are fewer.
std::size_t barTokenIndex(const std::vector<TokenId>& tokens, TokenId bar, std::size_t k) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] == bar && seen++ == k) return i;
    return tokens.size();
}

struct Candidate {
    std::size_t piece;   // index into the dataset's pieces
    std::size_t bar;     // 0-based start bar
};

// N prompt positions spread over the validation pieces: pieces in a seeded order, taken in turn,
// each time a start bar drawn from those with room for prompt + continuation, never the same twice.
std::vector<Candidate> choosePrompts(const pm::dataset::DatasetContents& data, const std::vector<std::size_t>& eligible,
                                     std::size_t need, int samples, std::uint64_t seed) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
    std::vector<std::size_t> order = eligible;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::vector<std::size_t>> starts(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::size_t bars = data.pieces[order[i]].barCount;
        for (std::size_t b = 0; b + need <= bars; ++b) starts[i].push_back(b);
        std::shuffle(starts[i].begin(), starts[i].end(), rng);
    }
    std::vector<Candidate> out;
    for (std::size_t round = 0; out.size() < std::size_t(samples); ++round) {
        bool any = false;
        for (std::size_t i = 0; i < order.size() && out.size() < std::size_t(samples); ++i) {
            if (round >= starts[i].size()) continue;
            out.push_back({order[i], starts[i][round]});
            any = true;
        }
        if (!any) break;   // fewer positions than samples asked for: take them all
    }
    return out;
}

std::unique_ptr<pm::gen::Generator> openModel(const std::string& path, const pm::tok::TokenizerConfig& dataConfig) {
    std::string error;
    std::unique_ptr<pm::gen::Generator> gen = pm::gen::loadGenerator(path, &error);
    if (!gen) throw std::runtime_error(error.empty() ? path + ": cannot be loaded" : error);
    if (gen->tokenizer().config() != dataConfig)
        throw std::runtime_error(path + " was trained with a different tokenizer than the dataset's; rebuild the dataset "
                                        "with this version of PianoMuse or report on a model made for it");
    return gen;
}

void scoreModel(pm::gen::Generator& gen, const pm::dataset::DatasetContents& data, const ReportRequest& req,
                ModelSection* section) {
    pm::train::BatcherOptions bo;
    bo.augment = false;
    pm::train::Batcher train(data, pm::dataset::Split::Train, bo), val(data, pm::dataset::Split::Validation, bo);
    if (val.windowCount() == 0) throw std::runtime_error("the dataset has no validation windows to score");
    if (gen.model()->config().vocabSize < std::int64_t(val.vocabulary().size()))
        throw std::runtime_error(section->path + ": its vocabulary is smaller than the dataset's");
    const pm::train::EvalResult r = pm::train::evaluateWithBaseline(gen.model(), train, val, data, req.maxEvalWindows, 2048);
    section->valLoss = r.loss;
    section->bitsPerNote = r.bitsPerNote;
    section->unigramBitsPerNote = r.unigramBitsPerNote;
    section->valNotes = r.notes;
}

void checkRequest(const ReportRequest& r) {
    if (r.modelA.empty()) throw std::runtime_error("no model given");
    if (r.dataset.empty()) throw std::runtime_error("no dataset given");
    if (r.samples < 1 || r.samples > 256) throw std::runtime_error("samples must be 1 to 256");
    if (r.promptBars < 1 || r.promptBars > 64) throw std::runtime_error("prompt bars must be 1 to 64");
    if (r.continuationBars < 1 || r.continuationBars > 64) throw std::runtime_error("continuation bars must be 1 to 64");
    if (!(r.temperature >= 0) || !(r.topP > 0 && r.topP <= 1)) throw std::runtime_error("temperature must be >= 0 and top-p in (0, 1]");
}

}  // namespace

ModelReport buildReport(const ReportRequest& req, const ReportProgressCallback& progress, const std::atomic<bool>* cancel) {
    checkRequest(req);
    const auto t0 = std::chrono::steady_clock::now();
    auto report = [&](const std::string& stage, int done, int total) {
        if (progress) progress({stage, done, total});
    };
    auto checkCancel = [&] {
        if (cancel && cancel->load()) throw ReportCancelled();
    };

    ModelReport out;
    out.request = req;
    out.created = utcNow();

    report("Reading the dataset", 0, 1);
    pm::dataset::DatasetContents data;
    if (std::string e = pm::dataset::loadDataset(req.dataset, &data); !e.empty()) throw std::runtime_error(e);
    const auto readConfig = pm::tok::configFromJson(data.manifest.tokenizer);
    if (!readConfig.config) throw std::runtime_error(req.dataset + ": its tokenizer config cannot be used: " + readConfig.error);
    const pm::tok::Tokenizer tokenizer(*readConfig.config);
    const TokenId barId = tokenizer.vocabulary().id(TokenKind::Bar);

    // Which file each piece came from (the manifest's per-file report points at its piece).
    std::vector<std::string> source(data.pieces.size());
    for (const auto& f : data.manifest.files)
        if (f.piece >= 0 && std::size_t(f.piece) < source.size()) source[std::size_t(f.piece)] = f.path;

    const std::size_t need = std::size_t(req.promptBars + req.continuationBars);
    std::vector<std::size_t> eligible;
    for (std::size_t i = 0; i < data.pieces.size(); ++i) {
        const auto& p = data.pieces[i];
        if (p.split == pm::dataset::Split::Validation) {
            ++out.validationPieces;
            if (p.barCount >= need) eligible.push_back(i);
        } else {
            ++out.trainingPieces;
        }
    }
    if (out.validationPieces == 0)
        throw std::runtime_error(req.dataset + " has no validation pieces; rebuild it with a validation fraction above 0");
    if (eligible.empty())
        throw std::runtime_error("no validation piece has the " + std::to_string(need) + " bars a prompt (" +
                                 std::to_string(req.promptBars) + ") and its continuation (" +
                                 std::to_string(req.continuationBars) + ") need; ask for fewer bars");
    const std::vector<Candidate> chosen = choosePrompts(data, eligible, need, req.samples, req.seed);
    if (chosen.size() < std::size_t(req.samples))
        out.notes.push_back("the validation pieces hold only " + std::to_string(chosen.size()) +
                            " prompt positions; the report uses them all");

    // Prompts and what really followed them.
    std::vector<pm::analysis::PieceFeatures> truthFeatures;
    for (const Candidate& c : chosen) {
        const auto& p = data.pieces[c.piece];
        const TokenId* tokens = data.tokens.data() + p.firstToken;
        const std::vector<pm::tok::BarStart> bars = pm::tok::indexBars(tokenizer.vocabulary(), tokens, p.tokenCount);
        pm::tok::PieceTokens piece;
        piece.tokens = tokens;
        piece.tokenCount = p.tokenCount;
        piece.bars = bars.data();
        piece.barCount = bars.size();
        std::vector<TokenId> window = tokenizer.windowAt(piece, c.bar, p.tokenCount + 64);
        if (window.empty()) continue;   // a damaged bar index: loadDataset checks offsets, so not expected
        ReportPrompt rp;
        rp.source = source[c.piece];
        rp.firstBar = int(c.bar) + 1;
        const std::size_t promptEnd = barTokenIndex(window, barId, std::size_t(req.promptBars));
        const std::size_t truthEnd = barTokenIndex(window, barId, need);
        rp.promptTokens.assign(window.begin(), window.begin() + std::ptrdiff_t(promptEnd));
        std::vector<TokenId> truth(window.begin(), window.begin() + std::ptrdiff_t(truthEnd));
        rp.truth = tokenizer.decode(truth).file;
        rp.truthFeatures = pm::analysis::computeFeatures(
            sliceBars(pm::analysis::noteSequenceFromTokens(truth, tokenizer), std::size_t(req.promptBars),
                      std::size_t(req.continuationBars)));
        truthFeatures.push_back(rp.truthFeatures);
        out.prompts.push_back(std::move(rp));
    }
    report("Reading the dataset", 1, 1);

    // The training pieces' copy index: stored with the dataset, or built now (and said so).
    report("Indexing the training pieces", 0, 1);
    pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, /*trainingOnly=*/true);
    if (!opened.note.empty()) out.notes.push_back(opened.note);
    if (!opened.index) out.notes.push_back("no originality check: " + opened.error);
    const pm::analysis::OriginalityIndex index = opened.index ? std::move(*opened.index) : pm::analysis::OriginalityIndex();
    report("Indexing the training pieces", 1, 1);

    std::vector<std::string> paths{req.modelA};
    if (!req.modelB.empty()) paths.push_back(req.modelB);
    for (std::size_t m = 0; m < paths.size(); ++m) {
        checkCancel();
        ModelSection section;
        section.path = paths[m];
        section.label = m == 0 ? "A" : "B";   // short, for table columns; the paths are listed once
        const std::string name = fileName(paths[m]);
        std::unique_ptr<pm::gen::Generator> gen = openModel(paths[m], *readConfig.config);

        report("Scoring " + name, 0, 1);
        scoreModel(*gen, data, req, &section);
        report("Scoring " + name, 1, 1);

        std::vector<pm::analysis::PieceFeatures> generated;
        const int total = int(out.prompts.size());
        for (int i = 0; i < total; ++i) {
            checkCancel();
            report("Generating with " + name, i, total);
            pm::gen::GenerationRequest g;
            g.prompt = out.prompts[std::size_t(i)].promptTokens;
            g.length = {pm::gen::LengthUnit::Bars, double(req.continuationBars)};
            g.sampling.temperature = req.temperature;
            g.sampling.topP = req.topP;
            g.sampling.seed = req.seed * 1000003ull + std::uint64_t(i);   // the same for A and B
            g.allowEarlyEnd = false;   // equal lengths: the metrics compare like with like
            g.stepThreads = 0;
            std::vector<pm::gen::GenerationResult> results = gen->generate(g, {}, cancel);
            checkCancel();
            if (results.empty()) throw std::runtime_error(name + ": generation returned nothing");
            ReportSample s;
            s.prompt = i;
            s.tokens = std::move(results.front().tokens);
            s.file = std::move(results.front().file);
            const pm::analysis::NoteSequence seq = pm::analysis::noteSequenceFromTokens(s.tokens, tokenizer);
            s.features = pm::analysis::computeFeatures(
                sliceBars(seq, std::size_t(req.promptBars), std::size_t(req.continuationBars)));
            s.originality = index.check(seq, req.promptBars);
            if (auto warning = pm::analysis::describeCopy(s.originality)) {
                s.copyWarning = *warning;
                ++section.flaggedCopies;
            }
            section.meanCopiedBarShare += s.originality.copiedBarShare / double(total);
            generated.push_back(s.features);
            section.samples.push_back(std::move(s));
        }
        report("Generating with " + name, total, total);
        section.comparison = pm::analysis::compareSets(generated, truthFeatures);
        out.models.push_back(std::move(section));
    }
    if (out.prompts.size() < 2)
        out.notes.push_back("with one continuation the feature distributions cannot be compared; use a dataset with more "
                            "validation bars or more samples");
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

nlohmann::json toJson(const ModelReport& r) {
    nlohmann::json j;
    j["format"] = "pianomuse-model-report";
    j["version"] = 1;
    j["created"] = r.created;
    j["dataset"] = r.request.dataset;
    j["seed"] = r.request.seed;
    j["prompt_bars"] = r.request.promptBars;
    j["continuation_bars"] = r.request.continuationBars;
    j["temperature"] = r.request.temperature;
    j["top_p"] = r.request.topP;
    j["validation_pieces"] = r.validationPieces;
    j["training_pieces"] = r.trainingPieces;
    j["seconds"] = r.seconds;
    j["notes"] = r.notes;
    nlohmann::json prompts = nlohmann::json::array();
    for (const ReportPrompt& p : r.prompts)
        prompts.push_back({{"source", p.source}, {"first_bar", p.firstBar}, {"truth_features", pm::analysis::toJson(p.truthFeatures)}});
    j["prompts"] = prompts;
    nlohmann::json models = nlohmann::json::array();
    for (const ModelSection& m : r.models) {
        nlohmann::json samples = nlohmann::json::array();
        for (const ReportSample& s : m.samples) {
            nlohmann::json sj{{"prompt", s.prompt},
                              {"features", pm::analysis::toJson(s.features)},
                              {"originality", pm::analysis::toJson(s.originality)}};
            sj["copy_warning"] = s.copyWarning.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.copyWarning);
            samples.push_back(sj);
        }
        models.push_back({{"label", m.label},
                          {"path", m.path},
                          {"val_loss", m.valLoss},
                          {"val_bits_per_note", m.bitsPerNote},
                          {"unigram_bits_per_note", m.unigramBitsPerNote},
                          {"val_notes", m.valNotes},
                          {"comparison", pm::analysis::toJson(m.comparison)},
                          {"flagged_copies", m.flaggedCopies},
                          {"mean_copied_bar_share", m.meanCopiedBarShare},
                          {"samples", samples}});
    }
    j["models"] = models;
    return j;
}

}  // namespace pm::report

namespace pm::report {

std::string summaryText(const ModelReport& r) {
    std::ostringstream s;
    char line[512];
    s << "Model report on " << r.request.dataset << " (" << r.validationPieces << " validation, " << r.trainingPieces
      << " training pieces; " << r.prompts.size() << " prompts of " << r.request.promptBars << " bars, "
      << r.request.continuationBars << " bars continued, seed " << r.request.seed << ")\n";
    for (const ModelSection& m : r.models) s << "  " << m.label << ": " << m.path << "\n";

    // Bits per note: lower is better; the unigram baseline says what "knowing nothing" costs.
    s << "\nValidation bits per note (lower is better)\n";
    for (const ModelSection& m : r.models) {
        std::snprintf(line, sizeof line, "  %-3s %8.3f   (unigram baseline %.3f, %lld notes)\n", m.label.c_str(), m.bitsPerNote,
                      m.unigramBitsPerNote, static_cast<long long>(m.valNotes));
        s << line;
    }

    // Each feature: the true continuations' mean, each model's mean, and how much its
    // continuations overlap the true ones (1 = as close as the pieces are to one another).
    s << "\nContinuations vs the pieces' own continuations (overlap: 1 = indistinguishable, 0 = elsewhere)\n";
    std::snprintf(line, sizeof line, "  %-28s %10s", "feature", "pieces");
    s << line;
    for (const ModelSection& m : r.models) {
        std::snprintf(line, sizeof line, " %10s %8s", (m.label + " mean").c_str(), "overlap");
        s << line;
    }
    s << "\n";
    const auto& registry = pm::analysis::scalarFeatures();
    for (std::size_t f = 0; f < registry.size(); ++f) {
        if (r.models.empty() || f >= r.models[0].comparison.scalars.size()) break;
        std::snprintf(line, sizeof line, "  %-28s %10.3f", registry[f].name, r.models[0].comparison.scalars[f].referenceMean);
        s << line;
        for (const ModelSection& m : r.models) {
            const auto& c = m.comparison.scalars[f];
            if (c.valid)
                std::snprintf(line, sizeof line, " %10.3f %8.3f", c.generatedMean, c.overlap);
            else
                std::snprintf(line, sizeof line, " %10.3f %8s", c.generatedMean, "-");
            s << line;
        }
        s << "\n";
    }
    s << "\nHistogram distance to the pieces' own (Jensen-Shannon, 0 = same, 1 = disjoint)\n";
    const auto& hist = pm::analysis::histogramFeatures();
    for (std::size_t f = 0; f < hist.size(); ++f) {
        if (r.models.empty() || f >= r.models[0].comparison.histograms.size()) break;
        std::snprintf(line, sizeof line, "  %-28s", hist[f].name);
        s << line;
        for (const ModelSection& m : r.models) {
            const auto& c = m.comparison.histograms[f];
            std::snprintf(line, sizeof line, " %s %6.3f", m.label.c_str(), c.valid ? c.distance : 0.0);
            s << line;
        }
        s << "\n";
    }

    s << "\nOriginality (against the training pieces)\n";
    for (const ModelSection& m : r.models) {
        std::snprintf(line, sizeof line, "  %-3s %zu of %zu continuations copy a training passage; %.1f %% of their bars occur in training\n",
                      m.label.c_str(), m.flaggedCopies, m.samples.size(), 100.0 * m.meanCopiedBarShare);
        s << line;
        for (const ReportSample& x : m.samples)
            if (!x.copyWarning.empty()) s << "      sample " << (x.prompt + 1) << ": " << x.copyWarning << "\n";
    }
    for (const std::string& n : r.notes) s << "\nNote: " << n << "\n";
    std::snprintf(line, sizeof line, "\n(%.1f s)\n", r.seconds);
    s << line;
    return s.str();
}

}  // namespace pm::report
