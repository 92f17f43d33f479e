#include "pages/generate_page.h"

#include "pages/page_header.h"

#include <QVBoxLayout>

namespace pm::app {

GeneratePage::GeneratePage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("generatePage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Generate"),
        tr("Give the model the opening bars of a piece and let it continue. You hear the music while "
           "it is written, see it on the piano roll, and can export what you like as a MIDI file."),
        this));
    layout->addStretch(1);
}

}  // namespace pm::app
