#include "pages/dataset_page.h"

#include "pages/page_header.h"

#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>

namespace pm::app {

DatasetPage::DatasetPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("datasetPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeader(
        tr("Dataset"),
        tr("Your music is what the model learns from. Drop MIDI files or whole folders onto this "
           "window; PianoMuse reads each file, tells you which ones it could use, and builds a dataset "
           "for training."),
        this));
    auto* dropZone = new QFrame(this);
    dropZone->setObjectName(QStringLiteral("dropZone"));
    dropZone->setFrameShape(QFrame::StyledPanel);
    dropZone->setMinimumHeight(160);
    auto* dropLayout = new QVBoxLayout(dropZone);
    auto* hint = new QLabel(tr("Drop .mid, .midi, .kar or .rmi files and folders here"), dropZone);
    hint->setAlignment(Qt::AlignCenter);
    dropLayout->addWidget(hint);
    layout->addWidget(dropZone, 1);
}

}  // namespace pm::app
