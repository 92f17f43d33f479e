// pianomuse: the desktop application.
#include "core/allocator_policy.h"
#include "core/openmp_policy.h"
#include "core/system_info.h"
#include "core/thread_share.h"
#include "core/version.h"
#include "main_window.h"
#include "settings/app_settings.h"
#include "translation_loader.h"
#include "worker/engine_controller.h"

#include "core/resource_paths.h"
#include "dataset/dataset_store.h"
#include "pages/dataset_page.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QThread>

#include <thread>

int main(int argc, char** argv) {
    // Training runs beside generation and the GUI: OpenMP threads that spin would take their
    // cores (engine/core/openmp_policy.h). Before anything starts, so nothing runs twice.
    pm::preferPassiveOpenMp(argv);
    pm::keepFreedTensorMemory();   // training's step buffers are reused (engine/core/allocator_policy.h)
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QString::fromLatin1(pm::kOrganizationName));
    QCoreApplication::setApplicationName(QStringLiteral("pianomuse"));
    QApplication::setApplicationDisplayName(QStringLiteral("PianoMuse"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(pm::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/pianomuse.svg")));
    QApplication::setDesktopFileName(QStringLiteral("pianomuse"));

    pm::app::AppSettings settings;
    pm::app::installTranslations(&app, settings.language());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Train an AI model of your own piano music."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                       QCoreApplication::translate("main", "Open the bundled demo dataset (built on first use)."));
    parser.addOption(demoOption);
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "MIDI files or folders to add to the dataset."),
                                 QStringLiteral("[files...]"));
    parser.process(app);
    // Leave one core to the GUI thread (when there are more than two) so the window stays
    // responsive while training; engine/core/thread_share.h says how the cores are shared.
    pm::configureThreads(pm::defaultIntraOpThreads(int(std::max(1u, std::thread::hardware_concurrency()))));

    int status = 0;
    {
        // Declared before the window so it outlives it: the window's signals point at the worker.
        pm::app::EngineController engine;
        pm::app::MainWindow window(&engine, &settings);
        window.show();
        auto* datasetPage = window.findChild<pm::app::DatasetPage*>();
        if (parser.isSet(demoOption)) {
            const QString demoDataset = QDir(settings.dataFolder()).filePath(QStringLiteral("datasets/demo"));
            datasetPage->setOutputDirectory(demoDataset);
            if (pm::dataset::looksLikeDataset(demoDataset.toStdString()))
                datasetPage->openDataset(demoDataset);
            else
                datasetPage->addInputs({QString::fromStdString(pm::findResourceDir("demo"))});
        }
        if (!parser.positionalArguments().isEmpty()) datasetPage->addInputs(parser.positionalArguments());
        status = QApplication::exec();
        engine.shutdown();
    }
    return status;
}
