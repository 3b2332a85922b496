@echo off
rem The kata's command line on Windows: kata help lists its commands. It is a Java program
rem (tools\cli\, the package cli); this launcher finds a JDK 17+ and runs it from .kata\cli. On Linux and macOS, ./kata does the same.
setlocal
cd /d "%~dp0"
set "JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
"%JAVA%" -version >nul 2>&1
if errorlevel 1 (
  echo java is not on PATH. Install a JDK 17 or newer, for example Temurin 17, and set JAVA_HOME. 1>&2
  exit /b 1
)
set "JAVA_VERSION="
for /f "tokens=2 delims==" %%v in ('call "%JAVA%" -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.specification.version"') do set "JAVA_VERSION=%%v"
set "JAVA_VERSION=%JAVA_VERSION: =%"
set "JAVA_MAJOR=0"
for /f "tokens=1 delims=." %%m in ("%JAVA_VERSION%") do set "JAVA_MAJOR=%%m"
if %JAVA_MAJOR% LSS 17 (
  echo java is version %JAVA_VERSION%; this kata needs 17 or newer. Install a JDK 17+ and set JAVA_HOME to it. 1>&2
  exit /b 1
)
rem compiled once into .kata\cli (git ignores it) by tools\Kata.java; the command line itself compiles
rem it again, through tools\Kata.java, when a source of tools\cli\ is newer than its stamp
if exist ".kata\cli\stamp" goto compiled
"%JAVA%" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 tools\Kata.java %*
exit /b %ERRORLEVEL%
:compiled
"%JAVA%" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp .kata\cli cli.Main %*
exit /b %ERRORLEVEL%
