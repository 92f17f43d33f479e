#include "dialogs/about_dialog.h"

#include "core/version.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pm::app {

QList<ThirdPartyComponent> AboutDialog::thirdPartyComponents() {
    // Keep in step with packaging/THIRD_PARTY_NOTICES.md (the full notices ship there).
    return {
        {QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())), tr("User interface"), QStringLiteral("LGPL-3.0")},
        {QStringLiteral("LibTorch %1").arg(QString::fromLatin1(pm::kTorchVersion)), tr("Neural network engine"),
         QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("OpenBLAS"), tr("Fast matrix arithmetic"), QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("QCustomPlot"), tr("Loss plots"), QStringLiteral("GPL-3.0")},
        {QStringLiteral("RtMidi"), tr("MIDI output"), QStringLiteral("MIT (RtMidi licence)")},
        {QStringLiteral("FluidSynth"), tr("Built-in synthesizer"), QStringLiteral("LGPL-2.1-or-later")},
        {QStringLiteral("FluidR3 GM SoundFont"), tr("Piano sound"), QStringLiteral("MIT")},
        {QStringLiteral("CLI11"), tr("Command-line parsing"), QStringLiteral("BSD-3-Clause")},
        {QStringLiteral("nlohmann/json"), tr("JSON files"), QStringLiteral("MIT")},
    };
}

AboutDialog::AboutDialog(const pm::SystemInfo& info, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About PianoMuse"));
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<h2>PianoMuse %1</h2><p>Train an AI model of your own piano music.</p>")
                                 .arg(QString::fromLatin1(pm::kVersion)),
                             this);
    layout->addWidget(title);
    if (!info.devices.empty()) {
        auto* system = new QLabel(tr("Running on %1 with %2.")
                                      .arg(QString::fromStdString(info.devices.back().displayName),
                                           QString::fromStdString(info.blas.library)),
                                  this);
        system->setWordWrap(true);
        layout->addWidget(system);
    }
    layout->addWidget(new QLabel(tr("PianoMuse is free software under the GNU General Public License, "
                                    "version 3 or later. It is built on these libraries:"),
                                 this));
    const auto components = thirdPartyComponents();
    auto* table = new QTableWidget(int(components.size()), 3, this);
    table->setObjectName(QStringLiteral("thirdPartyTable"));
    table->setHorizontalHeaderLabels({tr("Library"), tr("Used for"), tr("Licence")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int row = 0; row < components.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(components[row].name));
        table->setItem(row, 1, new QTableWidgetItem(components[row].purpose));
        table->setItem(row, 2, new QTableWidgetItem(components[row].licence));
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 420);
}

}  // namespace pm::app
