#include "pages/page_header.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pm::app {

QWidget* makePageHeader(const QString& title, const QString& guide, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 8);
    auto* titleLabel = new QLabel(title, box);
    titleLabel->setObjectName(QStringLiteral("pageTitle"));
    QFont font = titleLabel->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    titleLabel->setFont(font);
    auto* guideLabel = new QLabel(guide, box);
    guideLabel->setWordWrap(true);
    guideLabel->setObjectName(QStringLiteral("pageGuide"));
    layout->addWidget(titleLabel);
    layout->addWidget(guideLabel);
    return box;
}

}  // namespace pm::app
